import { afterEach, describe, expect, it } from 'vitest';
import type { FailuresResponse } from '../../lib/api/types';
import { cacheRegistry } from '../../lib/kube/cache';
import { listPullFailures } from '../../lib/kube/failures';
import { getFixOptions } from '../../lib/kube/fix/options';
import { getPodDiagnosis } from '../../lib/kube/pod-detail';
import type { ObjectStore } from '../../sim/testing';
import { ADMIN, MESSAGES, pod, pullSecret, seedPullFailures, simClusterForFile } from './sim-cluster';

/** The seeded failures, plus a pod in shop that names an Opaque secret as its pull secret. */
function seedWithOpaqueReference(store: ObjectStore): void {
  seedPullFailures(store);
  store.create('secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'app-config', namespace: 'shop' },
    type: 'Opaque',
    data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') },
  });
  pullSecret(store, 'tools', 'ghcr-elsewhere', 'ghcr.io', 'robot');
  pod(store, 'shop', 'opaque-ref', {
    pullSecrets: ['app-config'],
    containers: [{ name: 'tool', image: 'ghcr.io/acme/tool:2', waiting: ['ErrImagePull', MESSAGES.ghcrDenied] }],
  });
}

const cluster = simClusterForFile(seedWithOpaqueReference);

afterEach(() => cacheRegistry().stopAll());

const requestPaths = (before: number) => cluster().server.requestLog.slice(before).map((entry) => new URL(entry.path, cluster().server.url).pathname);
const opaqueItem = (response: FailuresResponse) => response.items.find((item) => item.pod === 'opaque-ref');

describe('a pull secret of another type', () => {
  it('reads as missing, as the kubelet sees it, from the reads and from the cache alike', async () => {
    const read = await listPullFailures(ADMIN.name, 'shop');
    const cached = await cacheRegistry().failures(ADMIN.name, 'shop');
    expect(cached.live?.mode).toBe('cluster-watch');
    expect(opaqueItem(read)?.pullSecrets).toEqual(opaqueItem(cached)?.pullSecrets);
    expect(opaqueItem(read)?.pullSecrets.missing).toEqual(['app-config']);
    expect(opaqueItem(read)?.verdict).toEqual(opaqueItem(cached)?.verdict);
    expect({ items: read.items, warnings: read.warnings }).toEqual({ items: cached.items, warnings: cached.warnings });
  });

  it('reads as missing in the pod detail, with and without the cache', async () => {
    const withoutCache = await getPodDiagnosis(ADMIN.name, 'shop', 'opaque-ref');
    await cacheRegistry().failures(ADMIN.name, null);
    const fromCache = await getPodDiagnosis(ADMIN.name, 'shop', 'opaque-ref');
    expect({ ...fromCache, fetchedAt: '' }).toEqual({ ...withoutCache, fetchedAt: '' });
    expect(fromCache.secrets.missing).toEqual(['app-config']);
    expect(fromCache.secrets.secrets).toEqual([]);
  });

  it('is left out of the reads: the secret lists ask the server for the pull types only', async () => {
    const before = cluster().server.requestLog.length;
    await listPullFailures(ADMIN.name, 'shop');
    const secretLists = cluster().server.requestLog.slice(before).filter((entry) => entry.path.includes('/secrets'));
    expect(secretLists).toHaveLength(1);
    const selector = new URL(secretLists[0]!.path, cluster().server.url).searchParams.get('fieldSelector');
    expect(selector).toContain('type!=Opaque');
  });
});

describe('fix options', () => {
  it('read no Secret when the cache is synced, and offer what the reads offer', async () => {
    const fromReads = await getFixOptions(ADMIN.name, 'shop', 'opaque-ref', 'tool');
    expect(fromReads.sources.copies.map((copy) => `${copy.namespace}/${copy.name}`)).toContain('tools/ghcr-elsewhere');
    await cacheRegistry().failures(ADMIN.name, null);
    const before = cluster().server.requestLog.length;
    const fromCache = await getFixOptions(ADMIN.name, 'shop', 'opaque-ref', 'tool');
    expect(requestPaths(before).filter((path) => path.includes('secrets'))).toEqual([]);
    expect(fromCache).toEqual(fromReads);
  });

  it('list the secrets when no cache runs for the context', async () => {
    const before = cluster().server.requestLog.length;
    await getFixOptions(ADMIN.name, 'shop', 'opaque-ref', 'tool');
    expect(requestPaths(before).filter((path) => path.endsWith('/secrets')).sort()).toEqual(['/api/v1/namespaces/shop/secrets', '/api/v1/secrets']);
  });
});
