import { afterEach, describe, expect, it } from 'vitest';
import type { FailuresResponse } from '../../lib/api/types';
import { cacheRegistry } from '../../lib/kube/cache';
import { listPullFailures } from '../../lib/kube/failures';
import { getPodDiagnosis } from '../../lib/kube/pod-detail';
import { nodeObject, type ObjectStore, type SimUser } from '../../sim/testing';
import { ADMIN, pod, pullSecret, serviceAccount, simClusterForFile } from './sim-cluster';

/**
 * KEP-2535's verdicts on the failures list: a 1.35 kubelet on node-1 holds ghcr.io/acme/api:2.1, pulled by a
 * pod with credentials; two pods there present none. The list reads the nodes (one list on the read path, a
 * watch in the cache) and gives the pod detail's verdict; a user who may not list nodes gets the verdicts
 * made without them, as the pod detail gives when it may not get the node.
 */
const NAMESPACE = 'cached';
const IMAGE = 'ghcr.io/acme/api:2.1';
const REFUSED = `failed to pull and unpack image "${IMAGE}": failed to resolve reference "${IMAGE}": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Aacme%2Fapi%3Apull&service=ghcr.io: 401 Unauthorized`;

/** Reads everything but nodes. */
const NODELESS: SimUser = {
  name: 'sim-nodeless',
  username: 'nodeless',
  token: 'nodeless-token-51c2',
  rules: [
    { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'events', 'secrets', 'serviceaccounts', 'namespaces'] },
    { verbs: ['get', 'list', 'watch'], apiGroups: ['apps', 'batch'], resources: ['*'] },
  ],
};

function seed(store: ObjectStore): void {
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE }, status: { phase: 'Active' } });
  serviceAccount(store, NAMESPACE, 'default', []);
  store.create('nodes', nodeObject({ name: 'node-1', images: ['registry.k8s.io/pause:3.10', IMAGE], kubeletVersion: 'v1.35.0' }, 0));
  pullSecret(store, NAMESPACE, 'ghcr-creds', 'ghcr.io', 'acme-bot');
  pod(store, NAMESPACE, 'reader', { containers: [{ name: 'api', image: IMAGE, waiting: ['ErrImagePull', REFUSED] }] });
  const never = pod(store, NAMESPACE, 'never-reader', {
    containers: [{ name: 'api', image: IMAGE, waiting: ['ErrImageNeverPull', `Container image "${IMAGE}" is not present with pull policy of Never`] }],
  });
  const spec = never.spec as { containers: { imagePullPolicy: string }[] };
  store.update('pods', { ...never, spec: { ...spec, containers: spec.containers.map((container) => ({ ...container, imagePullPolicy: 'Never' })) } });
}

const cluster = simClusterForFile(seed, [NODELESS]);

afterEach(() => cacheRegistry().stopAll());

const verdictOf = (response: FailuresResponse, pod: string) => response.items.find((item) => item.pod === pod)?.verdict;

describe('KEP-2535 verdicts on the failures list', () => {
  it('are the pod detail\'s, on the read path', async () => {
    const read = await listPullFailures(ADMIN.name, NAMESPACE);
    expect(verdictOf(read, 'reader')).toMatchObject({ code: 'cached-image-unverified', secretName: 'ghcr-creds' });
    expect(verdictOf(read, 'never-reader')?.code).toBe('cached-image-never-pull');
    for (const pod of ['reader', 'never-reader']) {
      const detail = await getPodDiagnosis(ADMIN.name, NAMESPACE, pod);
      expect(detail.containers.find((container) => container.name === 'api')?.verdict).toEqual(verdictOf(read, pod));
    }
    expect(read.warnings).toEqual([]);
  });

  it('are the same from the cache, which watches the nodes', async () => {
    const read = await listPullFailures(ADMIN.name, NAMESPACE);
    const cached = await cacheRegistry().failures(ADMIN.name, NAMESPACE);
    expect(cached.live?.mode).toBe('cluster-watch');
    expect(cached.items.map((item) => item.verdict)).toEqual(read.items.map((item) => item.verdict));
    expect(cacheRegistry().health()[0]?.kinds.nodes?.map((informer) => [informer.state, informer.objects])).toEqual([['synced', 1]]);
  });

  it('follow the node in the cache: once it no longer holds the image, the host-match verdicts come back', async () => {
    expect(verdictOf(await cacheRegistry().failures(ADMIN.name, NAMESPACE), 'reader')?.code).toBe('cached-image-unverified');
    const store = cluster().store;
    const node = store.get('nodes', undefined, 'node-1');
    const status = node?.status as { images: { names: string[] }[] };
    store.update('nodes', { ...node!, status: { ...status, images: status.images.filter((image) => !image.names.includes(IMAGE)) } });
    await expect.poll(async () => verdictOf(await cacheRegistry().failures(ADMIN.name, NAMESPACE), 'reader')?.code, { timeout: 10_000 }).toBe('secret-not-attached');
    expect(verdictOf(await cacheRegistry().failures(ADMIN.name, NAMESPACE), 'never-reader')?.code).toBe('never-pull');
    store.update('nodes', { ...store.get('nodes', undefined, 'node-1')!, status });
    await expect.poll(async () => verdictOf(await cacheRegistry().failures(ADMIN.name, NAMESPACE), 'reader')?.code, { timeout: 10_000 }).toBe('cached-image-unverified');
  });

  it('fall back to the verdicts without node facts for a user who may not list nodes, on both paths', async () => {
    const read = await listPullFailures(NODELESS.name, NAMESPACE);
    const cached = await cacheRegistry().failures(NODELESS.name, NAMESPACE);
    for (const answer of [read, cached]) {
      expect(verdictOf(answer, 'reader')).toMatchObject({ code: 'secret-not-attached', secretName: 'ghcr-creds' });
      expect(verdictOf(answer, 'never-reader')?.code).toBe('never-pull');
      expect(answer.warnings).toEqual([]);
    }
    expect(cached.live?.mode).toBe('cluster-watch');
    expect(cacheRegistry().health()[0]?.kinds.nodes?.map((informer) => informer.state)).toEqual(['forbidden']);
    const detail = await getPodDiagnosis(NODELESS.name, NAMESPACE, 'reader');
    expect(detail.containers.find((container) => container.name === 'api')?.verdict).toEqual(verdictOf(read, 'reader'));
  });
});
