import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterKeys, registryKeys } from './keys';
import { apiPaths } from './paths';

/** Any name a kubeconfig or a cluster may hold, including the words the factory itself uses. */
const name = fc.oneof(
  fc.constantFrom('contexts', 'cluster', 'registry', 'pods', 'failures', 'fix-options', 'fix-progress', 'image-fix-preview', ''),
  fc.string(),
);
const follow = fc.record({ kind: name, name, after: name, secret: name, restartedAt: fc.option(name) });

/** One call of each factory, with what it was called with: equal keys must mean the same factory and arguments. */
const anyKey = fc.oneof(
  fc.constant({ call: ['contexts'], key: clusterKeys.contexts() as readonly unknown[] }),
  name.map((context) => ({ call: ['context', context], key: clusterKeys.context(context) })),
  fc.tuple(name, fc.option(name.filter((namespace) => namespace !== ''))).map(([context, namespace]) => ({
    call: ['failures', context, namespace],
    key: clusterKeys.failures(context, namespace),
  })),
  fc.tuple(name, name, name).map(([context, namespace, pod]) => ({ call: ['pod', context, namespace, pod], key: clusterKeys.pod(context, namespace, pod) })),
  fc.tuple(name, name, name, name).map(([context, namespace, pod, container]) => ({
    call: ['fixOptions', context, namespace, pod, container],
    key: clusterKeys.fixOptions(context, namespace, pod, container),
  })),
  fc.tuple(name, name, follow).map(([context, namespace, followed]) => ({
    call: ['fixProgress', context, namespace, followed],
    key: clusterKeys.fixProgress(context, namespace, followed),
  })),
  fc.tuple(name, name, name, name).map(([context, namespace, pod, container]) => ({
    call: ['registry', context, namespace, pod, container],
    key: registryKeys.pod(context, namespace, pod, container),
  })),
  fc.tuple(name, name, name, name, name).map(([context, namespace, pod, container, tag]) => ({
    call: ['imageFixPreview', context, namespace, pod, container, tag],
    key: registryKeys.imageFixPreview(context, namespace, pod, container, tag),
  })),
);

function startsWith(key: readonly unknown[], prefix: readonly unknown[]): boolean {
  return prefix.length <= key.length && prefix.every((part, index) => Object.is(part, key[index]));
}

describe('the query key factory', () => {
  it('gives two different reads two different keys, whatever the names', () => {
    fc.assert(
      fc.property(anyKey, anyKey, (a, b) => {
        if (JSON.stringify(a.call) !== JSON.stringify(b.call)) expect(a.key).not.toEqual(b.key);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the context list apart from a context named "contexts"', () => {
    expect(clusterKeys.contexts()).not.toEqual(clusterKeys.context('contexts'));
    fc.assert(fc.property(name, (context) => !startsWith(clusterKeys.context(context), clusterKeys.contexts())));
  });

  it('puts every cluster read of a context, and only those, under the context, so a fix invalidates them all', () => {
    fc.assert(
      fc.property(name, anyKey, (context, other) => {
        const [kind, ofContext] = other.call;
        const clusterRead = ['context', 'failures', 'pod', 'fixOptions', 'fixProgress'].includes(kind as string);
        expect(startsWith(other.key, clusterKeys.context(context))).toBe(clusterRead && ofContext === context);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps registry reads out of the pod diagnosis key, so invalidating a pod leaves them alone', () => {
    fc.assert(
      fc.property(name, name, name, name, (context, namespace, pod, container) => {
        expect(startsWith(registryKeys.pod(context, namespace, pod, container), clusterKeys.pod(context, namespace, pod))).toBe(false);
        expect(startsWith(clusterKeys.fixOptions(context, namespace, pod, container), clusterKeys.pod(context, namespace, pod))).toBe(false);
      }),
    );
  });
});

describe('the API paths', () => {
  it('encode every name, so a context with a slash stays one path segment', () => {
    expect(apiPaths.pod('arn:aws:eks:eu-west-1:1:cluster/prod', 'default', 'web')).toBe(
      '/api/contexts/arn%3Aaws%3Aeks%3Aeu-west-1%3A1%3Acluster%2Fprod/namespaces/default/pods/web',
    );
    expect(apiPaths.failures('sim-admin', null)).toBe('/api/contexts/sim-admin/failures?form=packed');
    expect(apiPaths.failures('sim-admin', 'shop')).toBe('/api/contexts/sim-admin/failures?namespace=shop&form=packed');
    expect(apiPaths.fixProgress('c', 'n', { kind: 'Deployment', name: 'web', after: 't', secret: 's', restartedAt: null })).toBe(
      '/api/contexts/c/namespaces/n/fixes/progress?kind=Deployment&name=web&after=t&secret=s',
    );
  });
});
