import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PatchError, applyJsonPatch, applyMergePatch, applyStrategicMergePatch, deepEqual } from './patch';

describe('strategic merge patch', () => {
  const deployment = {
    spec: {
      replicas: 1,
      template: {
        spec: {
          imagePullSecrets: [{ name: 'existing' }],
          containers: [
            { name: 'web', image: 'nginx:1.0', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, name: 'http' }] },
            { name: 'sidecar', image: 'envoy:1' },
          ],
          tolerations: [{ key: 'a', operator: 'Exists' }],
          volumes: [{ name: 'data', emptyDir: {} }],
        },
      },
    },
  };

  it.each([
    {
      name: 'imagePullSecrets merge by name: the existing entry stays, the new one is appended',
      kind: 'Deployment',
      patch: { spec: { template: { spec: { imagePullSecrets: [{ name: 'regcred' }] } } } },
      pick: (result: typeof deployment) => result.spec.template.spec.imagePullSecrets,
      expected: [{ name: 'existing' }, { name: 'regcred' }],
    },
    {
      name: 'an entry already present is not duplicated',
      kind: 'Deployment',
      patch: { spec: { template: { spec: { imagePullSecrets: [{ name: 'existing' }] } } } },
      pick: (result: typeof deployment) => result.spec.template.spec.imagePullSecrets,
      expected: [{ name: 'existing' }],
    },
    {
      name: 'containers merge by name and keep the fields the patch does not mention',
      kind: 'Deployment',
      patch: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.1' }] } } } },
      pick: (result: typeof deployment) => result.spec.template.spec.containers,
      expected: [{ ...deployment.spec.template.spec.containers[0], image: 'nginx:1.1' }, deployment.spec.template.spec.containers[1]],
    },
    {
      name: 'env merges by name inside a merged container',
      kind: 'Deployment',
      patch: { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }] }] } } } },
      pick: (result: typeof deployment) => result.spec.template.spec.containers[0]!.env,
      expected: [{ name: 'A', value: '1' }, { name: 'B', value: 'two' }, { name: 'C', value: '3' }],
    },
    {
      name: 'ports merge by containerPort',
      kind: 'Deployment',
      patch: { spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } } } },
      pick: (result: typeof deployment) => result.spec.template.spec.containers[0]!.ports,
      expected: [{ containerPort: 80, name: 'http', protocol: 'TCP' }],
    },
    {
      name: '$patch: delete removes one keyed element',
      kind: 'Deployment',
      patch: { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } },
      pick: (result: typeof deployment) => result.spec.template.spec.containers.map((container) => container.name),
      expected: ['web'],
    },
    {
      name: '$patch: replace in a list replaces it wholesale',
      kind: 'Deployment',
      patch: { spec: { template: { spec: { imagePullSecrets: [{ $patch: 'replace' }, { name: 'only' }] } } } },
      pick: (result: typeof deployment) => result.spec.template.spec.imagePullSecrets,
      expected: [{ name: 'only' }],
    },
    {
      name: '$patch: replace in a map replaces the map',
      kind: 'Deployment',
      patch: { spec: { template: { spec: { volumes: [{ name: 'data', hostPath: { path: '/x' }, $patch: 'replace' }] } } } },
      pick: (result: typeof deployment) => result.spec.template.spec.volumes,
      expected: [{ name: 'data', hostPath: { path: '/x' } }],
    },
    {
      name: 'tolerations have no strategy, so a patch replaces them',
      kind: 'Deployment',
      patch: { spec: { template: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } } } },
      pick: (result: typeof deployment) => result.spec.template.spec.tolerations,
      expected: [{ key: 'b', operator: 'Exists' }],
    },
    {
      name: 'null deletes a key',
      kind: 'Deployment',
      patch: { spec: { replicas: null } },
      pick: (result: typeof deployment) => 'replicas' in result.spec,
      expected: false,
    },
    {
      name: '$setElementOrder is tolerated and orders the merged list',
      kind: 'Deployment',
      patch: { spec: { template: { spec: { '$setElementOrder/imagePullSecrets': [{ name: 'regcred' }, { name: 'existing' }], imagePullSecrets: [{ name: 'regcred' }] } } } },
      pick: (result: typeof deployment) => result.spec.template.spec.imagePullSecrets,
      expected: [{ name: 'regcred' }, { name: 'existing' }],
    },
  ])('$name', ({ kind, patch, pick, expected }) => {
    const result = applyStrategicMergePatch(deployment, patch, kind);
    expect(pick(result)).toEqual(expected);
    expect(deployment.spec.template.spec.imagePullSecrets).toEqual([{ name: 'existing' }]);
  });

  it('ServiceAccount imagePullSecrets is atomic: the patch list replaces it', () => {
    const account = { imagePullSecrets: [{ name: 'a' }, { name: 'b' }], secrets: [{ name: 'token-1' }] };
    expect(applyStrategicMergePatch(account, { imagePullSecrets: [{ name: 'regcred' }] }, 'ServiceAccount').imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(applyStrategicMergePatch(account, { secrets: [{ name: 'token-2' }] }, 'ServiceAccount').secrets).toEqual([{ name: 'token-1' }, { name: 'token-2' }]);
  });

  it('the same patch merges into a Pod spec', () => {
    const pod = { spec: { imagePullSecrets: [{ name: 'a' }] } };
    expect(applyStrategicMergePatch(pod, { spec: { imagePullSecrets: [{ name: 'b' }] } }, 'Pod').spec.imagePullSecrets).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  it('a keyed element without its merge key is a 422', () => {
    expect(() => applyStrategicMergePatch(deployment, { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, 'Deployment')).toThrow(
      expect.objectContaining({ code: 422 }),
    );
  });

  it('an empty patch and a patch equal to the object change nothing', () => {
    fc.assert(
      fc.property(jsonObject, (object) => {
        expect(applyStrategicMergePatch(object, {}, 'Deployment')).toEqual(object);
        expect(applyStrategicMergePatch(object, withoutNulls(object), 'Deployment')).toEqual(object);
      }),
    );
  });
});

describe('JSON merge patch (RFC 7386 Appendix A)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (original, patch, expected) => {
    expect(applyMergePatch(original, patch)).toEqual(expected);
  });

  it('replaces lists wholesale, unlike a strategic merge', () => {
    const original = { spec: { imagePullSecrets: [{ name: 'a' }] } };
    expect(applyMergePatch(original, { spec: { imagePullSecrets: [{ name: 'b' }] } })).toEqual({ spec: { imagePullSecrets: [{ name: 'b' }] } });
  });

  it('applying a patch twice is the same as applying it once', () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, (original, patch) => {
        expect(applyMergePatch(applyMergePatch(original, patch), patch)).toEqual(applyMergePatch(original, patch));
      }),
    );
  });
});

describe('JSON patch (RFC 6902 Appendix A)', () => {
  it.each([
    ['A.1 add an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
    ['A.2 add an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    ['A.3 remove an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['A.4 remove an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    ['A.5 replace a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    [
      'A.6 move a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    ['A.7 move an array element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
    [
      'A.8 test a value: success',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }],
      { baz: 'qux', foo: ['a', 2, 'c'] },
    ],
    ['A.10 add a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
    ['A.11 ignore unrecognized elements', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }], { foo: 'bar', baz: 'qux' }],
    ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    ['A.16 add an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
    ['copy', { a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: 1 }, c: { b: 1 } }],
  ])('%s', (_name, original, patch, expected) => {
    expect(applyJsonPatch(original, patch)).toEqual(expected);
  });

  it.each([
    ['A.9 test a value: error', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]],
    ['A.12 add to a nonexistent target', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]],
    ['A.15 comparing strings and numbers', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }]],
    ['remove a missing member', { foo: 'bar' }, [{ op: 'remove', path: '/nope' }]],
    ['an index past the end', { foo: [1] }, [{ op: 'add', path: '/foo/5', value: 2 }]],
    ['an unknown op', { foo: 1 }, [{ op: 'frobnicate', path: '/foo' }]],
  ])('%s does not apply (422)', (_name, original, patch) => {
    expect(() => applyJsonPatch(original, patch)).toThrow(expect.objectContaining({ code: 422 }));
  });

  it.each([
    [{ spec: {} }, 'object'],
    ['text', 'string'],
    [null, 'null'],
  ])('a non-array body %j is the real 400', (body, found) => {
    const error = capture(() => applyJsonPatch({}, body));
    expect(error).toBeInstanceOf(PatchError);
    expect(error).toMatchObject({ code: 400, message: `error decoding patch: json: cannot unmarshal ${found} into Go value of type []handlers.jsonPatchOp` });
  });

  it('add then remove of a new member restores the document', () => {
    fc.assert(
      fc.property(jsonObject, fc.string({ minLength: 1 }).filter((key) => key !== '__proto__'), fc.jsonValue(), (object, key, value) => {
        fc.pre(!(key in object));
        const path = `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        expect(applyJsonPatch(object, [{ op: 'add', path, value }, { op: 'remove', path }])).toEqual(object);
      }),
    );
  });
});

describe('deepEqual', () => {
  it('agrees with structural equality on JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(deepEqual(a, structuredClone(a))).toBe(true);
        expect(deepEqual(a, b)).toBe(JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b)));
      }),
    );
  });
});

const jsonObject = fc.dictionary(
  fc.string().filter((key) => key !== '__proto__' && !key.startsWith('$')),
  fc.jsonValue({ maxDepth: 3 }),
) as fc.Arbitrary<Record<string, unknown>>;

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, child]) => child !== null)
      .map(([key, child]) => [key, withoutNulls(child)]),
  );
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return Object.is(value, -0) ? 0 : value;
  return Object.fromEntries(
    Object.keys(value as Record<string, unknown>)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

function capture(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
