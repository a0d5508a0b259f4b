import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FailuresResponse } from '../../lib/api/types';
import { CacheRegistry, cacheRegistry } from '../../lib/kube/cache';
import { getPodDiagnosis } from '../../lib/kube/pod-detail';
import { listPullFailures } from '../../lib/kube/failures';
import type { ObjectStore } from '../../sim/testing';
import { ADMIN, LISTER, SHOP_TEAM, STRANGER, VIEWER, simClusterForFile } from './sim-cluster';

const cluster = simClusterForFile(undefined, [LISTER, SHOP_TEAM]);
let now = Date.parse('2026-11-26T10:00:00Z');
let registry: CacheRegistry;

afterEach(() => registry?.stopAll());

function newRegistry(watchTimeoutSeconds?: number): CacheRegistry {
  registry = new CacheRegistry({ now: () => now }, 60_000, { watchTimeoutSeconds });
  return registry;
}

/** The answer without the parts that differ by design: when it was made and how. */
function comparable(response: FailuresResponse) {
  return { items: response.items, warnings: response.warnings };
}

const failingPods = (response: FailuresResponse) => [...new Set(response.items.map((item) => `${item.namespace}/${item.pod}`))];

/** Ends the pull failure of a pod as the kubelet would once the image is pulled: the container runs. */
function endFailure(store: ObjectStore, namespace: string, name: string): void {
  const pod = store.get('pods', namespace, name)!;
  const statuses = (pod.status as { containerStatuses: { name: string }[] }).containerStatuses;
  store.update('pods', {
    ...pod,
    status: { phase: 'Running', containerStatuses: statuses.map((status) => ({ ...status, ready: true, state: { running: { startedAt: '2026-11-26T10:01:00Z' } } })) },
  });
}

describe('the watch-fed cache', () => {
  it('answers as the read-per-request path does, for the admin and for the viewer who may not read secrets', async () => {
    for (const user of [ADMIN, VIEWER]) {
      const cached = await newRegistry().failures(user.name, null);
      expect(cached.live).toEqual({ mode: 'cluster-watch', notice: null });
      expect(comparable(cached)).toEqual(comparable(await listPullFailures(user.name, null)));
      expect(comparable(await registry.failures(user.name, 'shop'))).toEqual(comparable(await listPullFailures(user.name, 'shop')));
      registry.stopAll();
    }
  });

  it('makes no list after warm-up while ten clients poll, and sees a change as it happens', async () => {
    newRegistry();
    const first = await registry.failures(ADMIN.name, null);
    const before = cluster().server.requestLog.length;
    for (let round = 0; round < 5; round += 1) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => registry.failures(ADMIN.name, null)));
      for (const answer of answers) expect(answer.items).toEqual(first.items);
    }
    expect(cluster().server.requestLog.slice(before)).toEqual([]);

    endFailure(cluster().store, 'shop', 'web-7d4b9c8f6d-x2x9k');
    await vi.waitFor(async () => expect(failingPods(await registry.failures(ADMIN.name, null))).not.toContain('shop/web-7d4b9c8f6d-x2x9k'));
    expect(cluster().server.requestLog.slice(before).filter((entry) => !entry.path.includes('watch='))).toEqual([]);
  });

  it('computes one answer for identical requests until the cache changes, and a new one after every change', async () => {
    newRegistry();
    await registry.failures(ADMIN.name, null);
    const computed = registry.shared.computations;
    const answers = await Promise.all(Array.from({ length: 10 }, () => registry.sharedFailures(ADMIN.name, null)));
    expect(new Set(answers.map((answer) => answer.json)).size).toBe(1);
    expect(registry.shared.computations).toBe(computed);
    await registry.failures(VIEWER.name, null);
    expect(registry.shared.computations).toBe(computed + 1);

    // Any change the watch delivers makes the next answer anew, even one that leaves the failures as they were.
    const pod = cluster().store.get('pods', 'shop', 'web-7d4b9c8f6d-q8m4z')!;
    cluster().store.update('pods', { ...pod, metadata: { ...pod.metadata, labels: { ...(pod.metadata as { labels?: object }).labels, touched: 'yes' } } });
    await vi.waitFor(async () => {
      await registry.failures(ADMIN.name, null);
      expect(registry.shared.computations).toBe(computed + 2);
    });
    const changed = registry.shared.computations;
    await Promise.all(Array.from({ length: 10 }, () => registry.failures(ADMIN.name, null)));
    expect(registry.shared.computations).toBe(changed);
  });

  it('resumes a watch the server ends from its resourceVersion, without listing again', async () => {
    newRegistry(1);
    await registry.failures(ADMIN.name, null);
    const pods = () => registry.health()[0]!.kinds.pods![0]!;
    await vi.waitFor(() => expect(pods().watchRestarts).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    expect(pods().relists).toBe(1);
    endFailure(cluster().store, 'shop', 'web-7d4b9c8f6d-q8m4z');
    await vi.waitFor(async () => expect(failingPods(await registry.failures(ADMIN.name, 'shop'))).not.toContain('shop/web-7d4b9c8f6d-q8m4z'));
  });

  it('lists again when the version a watch resumes from has expired (410), and goes on watching', async () => {
    newRegistry(1);
    await registry.failures(ADMIN.name, null);
    const pods = () => registry.health()[0]!.kinds.pods![0]!;
    // More changes than the API server keeps for resuming: the pods watch's version falls out of its history.
    for (let index = 0; index < 10_050; index += 1) {
      cluster().store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `churn-${index}`, namespace: 'kube-system' } });
    }
    await vi.waitFor(() => expect(pods().relists).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    expect(pods().state).toBe('synced');
    endFailure(cluster().store, 'shop', 'web-7d4b9c8f6d-x2x9k');
    await vi.waitFor(async () => expect(failingPods(await registry.failures(ADMIN.name, 'shop'))).not.toContain('shop/web-7d4b9c8f6d-x2x9k'));
  });

  it('says the cluster is unreachable while it is down, and catches up with what changed once it is back', async () => {
    newRegistry();
    const before = await registry.failures(ADMIN.name, null);
    const [gone] = failingPods(before).filter((pod) => pod.startsWith('jobs/'));
    expect(gone).toBeDefined();
    await cluster().restart(async (store) => {
      endFailure(store, 'jobs', gone!.split('/')[1]!);
      await vi.waitFor(() => expect(registry.failures(ADMIN.name, null)).rejects.toMatchObject({ code: 'unreachable', status: 502 }));
    });
    await vi.waitFor(async () => expect(failingPods(await registry.failures(ADMIN.name, null))).not.toContain(gone), { timeout: 15_000 });
    expect(registry.health()[0]!.kinds.pods![0]!.relists).toBeGreaterThanOrEqual(2);
  });

  it('falls back to reads per request, with a notice, for a user who may not watch; identical reads in flight are shared', async () => {
    newRegistry();
    const answer = await registry.failures(LISTER.name, null);
    expect(answer.live).toEqual({
      mode: 'read-per-request',
      notice: 'the user of context "sim-lister" may not watch pods, so the cluster is read again on every refresh instead of updated live',
    });
    expect(comparable(answer)).toEqual(comparable(await listPullFailures(LISTER.name, null)));
    const before = cluster().server.requestLog.length;
    await Promise.all(Array.from({ length: 10 }, () => registry.failures(LISTER.name, null)));
    const podLists = cluster().server.requestLog.slice(before).filter((entry) => new URL(entry.path, cluster().server.url).pathname === '/api/v1/pods');
    expect(podLists).toHaveLength(1);
  });

  it('watches the namespaces one by one for a user who may not watch across the cluster', async () => {
    newRegistry();
    const answer = await registry.failures(SHOP_TEAM.name, null);
    expect(answer.live?.mode).toBe('namespace-watch');
    expect(answer.live?.notice).toContain('watching shop one by one');
    expect(comparable(answer)).toEqual(comparable(await listPullFailures(SHOP_TEAM.name, 'shop')));
  });

  it('fails the first answer with the cluster error, and tries again on the next use', async () => {
    newRegistry();
    await expect(registry.failures(STRANGER.name, null)).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
    expect(registry.health()).toEqual([]);
  });

  it('is dropped after the idle period, and started again on the next use', async () => {
    newRegistry();
    await registry.failures(ADMIN.name, null);
    now += 30_000;
    expect(registry.sweep()).toBe(0);
    expect(registry.health()).toHaveLength(1);
    now += 60_000;
    expect(registry.sweep()).toBe(1);
    expect(registry.health()).toEqual([]);
    await registry.failures(ADMIN.name, null);
    expect(registry.health().map((health) => health.mode)).toEqual(['cluster-watch']);
  });

  it('answers the pod detail from a synced cache with one get for the pod and one for its node (its kubelet version), as the reads would', async () => {
    const withoutCache = await getPodDiagnosis(ADMIN.name, 'shop', 'web-7d4b9c8f6d-q8m4z');
    try {
      await cacheRegistry().failures(ADMIN.name, null);
      const before = cluster().server.requestLog.length;
      const fromCache = await getPodDiagnosis(ADMIN.name, 'shop', 'web-7d4b9c8f6d-q8m4z');
      const paths = cluster().server.requestLog.slice(before).map((entry) => new URL(entry.path, cluster().server.url).pathname);
      expect(paths).toEqual(['/api/v1/namespaces/shop/pods/web-7d4b9c8f6d-q8m4z', '/api/v1/nodes/node-1']);
      expect({ ...fromCache, fetchedAt: '' }).toEqual({ ...withoutCache, fetchedAt: '' });
    } finally {
      cacheRegistry().stopAll();
    }
  });
});
