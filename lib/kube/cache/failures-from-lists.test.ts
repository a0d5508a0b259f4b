import type { CoreV1Event, V1Node, V1Pod, V1ReplicaSet, V1Secret, V1ServiceAccount } from '@kubernetes/client-node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dockerConfigJson } from '../../pull-secrets';
import { emptyClusterLists, type CachedKind, type ClusterLists } from './cluster-lists';
import { IncrementalFailures, failuresFromLists, type FailuresAnswer } from './failures-from-lists';
import { applyWatchEvent, type CachedObject, type CachedList } from './list-state';

/**
 * Random watch traffic over a small world (two namespaces, a few pods on two nodes, secrets, service accounts,
 * ReplicaSets, pull events, and the nodes' kubelet versions and images), so the same objects change many times: after every event the incrementally maintained
 * answer must equal the answer computed from nothing.
 */

const NAMESPACES = ['shop', 'tools'];
const IMAGES = ['docker.io/davidpuziol/nginx:1.0', 'ghcr.io/acme/tool:2', 'nginx', 'Nginx', 'busybox:1.99-nope'];
const WAITING: [string, string][] = [
  ['ErrImagePull', 'failed to pull and unpack image "docker.io/davidpuziol/nginx:1.0": pull access denied, repository does not exist or may require authorization'],
  ['ImagePullBackOff', 'Back-off pulling image "davidpuziol/nginx:1.0"'],
  ['InvalidImageName', 'couldn\'t parse image name "Nginx": invalid reference format'],
  ['ErrImagePull', 'failed to pull and unpack image "docker.io/library/busybox:1.99-nope": not found'],
];

type Change =
  | { kind: 'pods'; name: string; namespace: string; image: number; waiting: number | null; secrets: string[]; owned: boolean; node: string }
  | { kind: 'secrets'; name: string; namespace: string; registry: string; malformed: boolean }
  | { kind: 'serviceaccounts'; namespace: string; secrets: string[] }
  | { kind: 'replicasets'; name: string; namespace: string }
  | { kind: 'events'; name: string; namespace: string; pod: string; missingSecret: boolean }
  | { kind: 'nodes'; name: string; namespace: ''; verifiesCachedImages: boolean; images: number[] };

const secretName = fc.constantFrom('regcred', 'ghcr', 'old');
const namespace = fc.constantFrom(...NAMESPACES);
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({
    kind: fc.constant('pods' as const),
    name: fc.constantFrom('web-1', 'web-2', 'api-1', 'db-0'),
    namespace,
    image: fc.nat(IMAGES.length - 1),
    waiting: fc.option(fc.nat(WAITING.length - 1)),
    secrets: fc.uniqueArray(secretName, { maxLength: 2 }),
    owned: fc.boolean(),
    node: fc.constantFrom('node-1', 'node-2'),
  }),
  fc.record({ kind: fc.constant('secrets' as const), name: secretName, namespace, registry: fc.constantFrom('docker.io', 'ghcr.io'), malformed: fc.boolean() }),
  fc.record({ kind: fc.constant('serviceaccounts' as const), namespace, secrets: fc.uniqueArray(secretName, { maxLength: 2 }) }),
  fc.record({ kind: fc.constant('replicasets' as const), name: fc.constant('web-7d4b9'), namespace }),
  fc.record({ kind: fc.constant('events' as const), name: fc.constantFrom('e1', 'e2'), namespace, pod: fc.constantFrom('web-1', 'db-0'), missingSecret: fc.boolean() }),
  fc.record({
    kind: fc.constant('nodes' as const),
    name: fc.constantFrom('node-1', 'node-2'),
    namespace: fc.constant('' as const),
    verifiesCachedImages: fc.boolean(),
    images: fc.uniqueArray(fc.nat(IMAGES.length - 1), { maxLength: 3 }),
  }),
);
const step = fc.record({ change, deleted: fc.boolean(), query: fc.constantFrom(null, 'shop', 'tools'), forbid: fc.option(fc.constantFrom<CachedKind>('secrets', 'events', 'serviceaccounts', 'replicasets', 'nodes'), { freq: 8 }) });

/** An answer's items and warnings by namespace: a namespace's part depends on that namespace's objects alone. */
function perNamespace(answer: FailuresAnswer): Map<string, { items: FailuresAnswer['items']; warnings: FailuresAnswer['warnings'] }> {
  const parts = new Map<string, { items: FailuresAnswer['items']; warnings: FailuresAnswer['warnings'] }>();
  const partOf = (name: string) => parts.get(name) ?? parts.set(name, { items: [], warnings: [] }).get(name)!;
  for (const item of answer.items) partOf(item.namespace).items.push(item);
  for (const warning of answer.warnings) partOf(warning.namespace ?? '').warnings.push(warning);
  return parts;
}

function objectOf(change: Change, resourceVersion: string): CachedObject {
  const metadata = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: change.namespace, resourceVersion, ...extra });
  switch (change.kind) {
    case 'pods': {
      const [reason, message] = change.waiting === null ? [null, ''] : WAITING[change.waiting]!;
      const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9', uid: 'u1', controller: true };
      const pod: V1Pod = {
        metadata: metadata(change.name, { creationTimestamp: '2026-11-26T10:00:00Z', ...(change.owned ? { ownerReferences: [owner] } : {}) }),
        spec: { containers: [{ name: 'app', image: IMAGES[change.image] }], imagePullSecrets: change.secrets.map((name) => ({ name })), serviceAccountName: 'default', nodeName: change.node },
        status: { phase: 'Pending', containerStatuses: [{ name: 'app', image: IMAGES[change.image]!, imageID: '', ready: false, restartCount: 0, state: reason ? { waiting: { reason, message } } : { running: {} } }] },
      };
      return pod;
    }
    case 'secrets': {
      const config = dockerConfigJson({ server: change.registry, username: 'u', password: 'p' });
      const secret: V1Secret = {
        metadata: metadata(change.name),
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': change.malformed ? 'not base64 json' : Buffer.from(config).toString('base64') },
      };
      return secret;
    }
    case 'serviceaccounts': {
      const account: V1ServiceAccount = { metadata: metadata('default'), imagePullSecrets: change.secrets.map((name) => ({ name })) };
      return account;
    }
    case 'replicasets': {
      const owner = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true };
      const replicaSet: V1ReplicaSet = { metadata: metadata(change.name, { ownerReferences: [owner] }) };
      return replicaSet;
    }
    case 'nodes': {
      // The kubelet lists an image by its normalized name: the davidpuziol image's "docker.io/davidpuziol/nginx:1.0".
      const node: V1Node = {
        metadata: { name: change.name, resourceVersion },
        status: { nodeInfo: { kubeletVersion: change.verifiesCachedImages ? 'v1.35.0' : 'v1.34.2' } as never, images: change.images.map((image) => ({ names: [IMAGES[image]!] })) },
      };
      return node;
    }
    case 'events': {
      const event: CoreV1Event = {
        metadata: metadata(change.name),
        involvedObject: { kind: 'Pod', name: change.pod, namespace: change.namespace, fieldPath: 'spec.containers{app}' },
        reason: change.missingSecret ? 'FailedToRetrieveImagePullSecret' : 'Failed',
        message: change.missingSecret ? 'Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.' : 'Failed to pull image "nginx": not found',
        type: 'Warning',
        lastTimestamp: '2026-11-26T10:00:05Z' as unknown as Date,
      };
      return event;
    }
  }
}

describe('IncrementalFailures', () => {
  it('always equals the answer computed from nothing, over random watch traffic', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const lists: ClusterLists = emptyClusterLists();
        const incremental = new IncrementalFailures('sim-admin');
        steps.forEach(({ change, deleted, query, forbid }, index) => {
          const list = lists[change.kind] as CachedList<CachedObject>;
          const object = objectOf(change, String(index + 2));
          const held = list.byNamespace.get(change.namespace)?.get(object.metadata?.name ?? '');
          const type = deleted ? 'DELETED' : held ? 'MODIFIED' : 'ADDED';
          const outcome = applyWatchEvent(list, { type, object });
          if (outcome.kind === 'changed' && change.kind === 'nodes') incremental.invalidateNodes(lists);
          else if (outcome.kind === 'changed') incremental.invalidate(outcome.namespace);
          if (forbid) {
            lists.forbidden = new Set([...lists.forbidden, forbid]);
            incremental.invalidateAll();
          }
          expect(incremental.answer(lists, query)).toEqual(failuresFromLists(lists, query, 'sim-admin'));
        });
      }),
      { numRuns: 150 },
    );
  });

  it('computed in slices, answers each namespace as the lists held it before or after an event in between, then catches up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        const lists: ClusterLists = emptyClusterLists();
        const incremental = new IncrementalFailures('sim-admin');
        for (const [index, { change, deleted, query }] of steps.entries()) {
          const before = failuresFromLists(lists, query, 'sim-admin');
          // A slice of 0 ms lets the event loop go after every namespace: the event lands while the answer is made.
          const sliced = incremental.answerInSlices(lists, query, 0);
          const list = lists[change.kind] as CachedList<CachedObject>;
          const object = objectOf(change, String(index + 2));
          const held = list.byNamespace.get(change.namespace)?.get(object.metadata?.name ?? '');
          const outcome = applyWatchEvent(list, { type: deleted ? 'DELETED' : held ? 'MODIFIED' : 'ADDED', object });
          if (outcome.kind === 'changed' && change.kind === 'nodes') incremental.invalidateNodes(lists);
          else if (outcome.kind === 'changed') incremental.invalidate(outcome.namespace);
          const after = failuresFromLists(lists, query, 'sim-admin');
          const answered = perNamespace(await sliced);
          const [was, is] = [perNamespace(before), perNamespace(after)];
          for (const name of new Set([...answered.keys(), ...was.keys(), ...is.keys()])) expect([was.get(name), is.get(name)]).toContainEqual(answered.get(name));
          expect(await incremental.answerInSlices(lists, query, 0)).toEqual(after);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('recomputes nothing when nothing changed, and only the changed namespace after an event', () => {
    const lists = emptyClusterLists();
    const incremental = new IncrementalFailures('sim-admin');
    for (const [index, name] of NAMESPACES.entries()) {
      const change: Change = { kind: 'pods', name: 'web-1', namespace: name, image: 0, waiting: 0, secrets: [], owned: false, node: 'node-1' };
      applyWatchEvent(lists.pods, { type: 'ADDED', object: objectOf(change, String(index + 2)) as V1Pod });
    }
    const first = incremental.answer(lists, null);
    expect(first.items.map((item) => item.namespace)).toEqual(NAMESPACES);
    expect(incremental.answer(lists, null).items[0]).toBe(first.items[0]);
    applyWatchEvent(lists.pods, { type: 'DELETED', object: objectOf({ kind: 'pods', name: 'web-1', namespace: 'tools', image: 0, waiting: 0, secrets: [], owned: false, node: 'node-1' }, '9') as V1Pod });
    incremental.invalidate('tools');
    const after = incremental.answer(lists, null);
    expect(after.items.map((item) => item.namespace)).toEqual(['shop']);
    expect(after.items[0]).toBe(first.items[0]);
  });

  it('recomputes after a node change only the namespaces whose failing pods run on that node', () => {
    const lists = emptyClusterLists();
    const incremental = new IncrementalFailures('sim-admin');
    for (const [index, name] of NAMESPACES.entries()) {
      const change: Change = { kind: 'pods', name: 'web-1', namespace: name, image: 0, waiting: 0, secrets: [], owned: false, node: `node-${index + 1}` };
      applyWatchEvent(lists.pods, { type: 'ADDED', object: objectOf(change, String(index + 2)) as V1Pod });
    }
    const first = incremental.answer(lists, null);
    expect(first.items.map((item) => item.verdict.code)).toEqual(['missing-secret', 'missing-secret']);
    const node: Change = { kind: 'nodes', name: 'node-2', namespace: '', verifiesCachedImages: true, images: [0] };
    applyWatchEvent(lists.nodes, { type: 'ADDED', object: objectOf(node, '7') as V1Node });
    expect(incremental.invalidateNodes(lists)).toEqual(['tools']);
    const after = incremental.answer(lists, null);
    expect(after.items[0]).toBe(first.items[0]);
    expect(after.items.map((item) => item.verdict.code)).toEqual(['missing-secret', 'cached-image-unverified']);
    expect(incremental.invalidateNodes(lists)).toEqual([]);
  });
});
