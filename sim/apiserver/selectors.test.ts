import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../store';
import { checkFieldSelector, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors';
import { ApiError } from './status';

const labels = { app: 'web', tier: 'front', 'example.com/team': 'pull', version: '3' };

describe('label selectors', () => {
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=api', false],
    ['app!=api', true],
    ['missing!=x', true],
    ['app in (api,web)', true],
    ['app in (api)', false],
    ['app notin (api)', true],
    ['app notin (web,api)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['example.com/team=pull', true],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
    ['app in (web), tier notin (back) , !missing', true],
    ['version>2', true],
    ['version<3', false],
    ['app=', false],
    ['missing=', false],
  ])('%j against the seeded labels is %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it.each(['app=web,', 'app in web', 'app in ()', '=web', 'app=we b', 'bad key=1', 'app=-web', 'version>x', 'Upper_Prefix.com/x=1'])(
    '%j is a 400 BadRequest',
    (selector) => {
      const error = captured(() => parseLabelSelector(selector));
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code: 400, reason: 'BadRequest' });
      expect((error as ApiError).message).toMatch(/^unable to parse requirement: /);
    },
  );

  const labelValue = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,6}[a-z0-9])?$/);
  const labelMap = fc.dictionary(fc.constantFrom('app', 'tier', 'env', 'zone'), labelValue);

  it('equality, set and existence operators agree with their definitions on any label set', () => {
    fc.assert(
      fc.property(labelMap, fc.constantFrom('app', 'tier', 'env', 'zone'), labelValue, labelValue, (map, key, first, second) => {
        const value = map[key];
        expect(matchesLabels(parseLabelSelector(`${key}=${first}`), map)).toBe(value === first);
        expect(matchesLabels(parseLabelSelector(`${key}!=${first}`), map)).toBe(value !== first);
        expect(matchesLabels(parseLabelSelector(`${key} in (${first},${second})`), map)).toBe(value === first || value === second);
        expect(matchesLabels(parseLabelSelector(`${key} notin (${first},${second})`), map)).toBe(value !== first && value !== second);
        expect(matchesLabels(parseLabelSelector(key), map)).toBe(value !== undefined);
        expect(matchesLabels(parseLabelSelector(`!${key}`), map)).toBe(value === undefined);
      }),
    );
  });

  it('a comma joins requirements with AND', () => {
    fc.assert(
      fc.property(labelMap, fc.array(fc.tuple(fc.constantFrom('app', 'tier', 'env'), labelValue), { minLength: 1, maxLength: 4 }), (map, terms) => {
        const joined = matchesLabels(parseLabelSelector(terms.map(([key, value]) => `${key}=${value}`).join(',')), map);
        expect(joined).toBe(terms.every(([key, value]) => matchesLabels(parseLabelSelector(`${key}=${value}`), map)));
      }),
    );
  });
});

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'default' },
  spec: { nodeName: 'node-1', serviceAccountName: 'default', restartPolicy: 'Always' },
  status: { phase: 'Pending', podIP: '10.0.0.1' },
};

const event: KubeObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web-1.abc', namespace: 'default' },
  involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'u-1', fieldPath: 'spec.containers{web}' },
  reason: 'Failed',
  type: 'Warning',
  source: { component: 'kubelet' },
};

describe('field selectors', () => {
  it.each([
    ['pods', pod, 'metadata.name=web-1', true],
    ['pods', pod, 'metadata.namespace==default', true],
    ['pods', pod, 'status.phase=Pending', true],
    ['pods', pod, 'status.phase!=Pending', false],
    ['pods', pod, 'spec.nodeName=node-1,status.phase=Pending', true],
    ['pods', pod, 'spec.nodeName=', false],
    ['pods', pod, 'spec.hostNetwork=false', true],
    ['pods', pod, 'status.nominatedNodeName=', true],
    ['events', event, 'involvedObject.uid=u-1,involvedObject.name=web-1,involvedObject.namespace=default', true],
    ['events', event, 'involvedObject.kind=Pod,reason=Failed,type=Warning', true],
    ['events', event, 'involvedObject.fieldPath=spec.containers{web}', true],
    ['events', event, 'source=kubelet', true],
    ['events', event, 'involvedObject.name=other', false],
    ['secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'kubernetes.io/dockerconfigjson' }, 'type=kubernetes.io/dockerconfigjson', true],
  ])('%s: %j is %s', (resource, object, selector, expected) => {
    const requirements = parseFieldSelector(selector);
    checkFieldSelector(resource, requirements);
    expect(matchesFields(resource, object, requirements)).toBe(expected);
  });

  it('reads backslash escapes in values', () => {
    const requirements = parseFieldSelector('metadata.name=a\\,b');
    expect(requirements).toEqual([{ field: 'metadata.name', operator: '=', value: 'a,b' }]);
  });

  it.each([
    ['pods', 'spec.image=x', 'field label not supported: spec.image'],
    ['events', 'involvedObject.bogus=x', 'field label not supported: involvedObject.bogus'],
    ['deployments', 'spec.replicas=1', '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    ['serviceaccounts', 'type=x', '"type" is not a known field selector: only "metadata.name", "metadata.namespace"'],
  ])('%s rejects %j with the real words', (resource, selector, message) => {
    const error = captured(() => checkFieldSelector(resource, parseFieldSelector(selector)));
    expect(error).toMatchObject({ code: 400, reason: 'BadRequest', message });
  });

  it('a term without an operator is a 400', () => {
    expect(captured(() => parseFieldSelector('metadata.name'))).toMatchObject({ code: 400 });
  });
});

function captured(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
