import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FailuresResponse } from '../../lib/api/types';
import { CacheRegistry } from '../../lib/kube/cache';
import { listPullFailures } from '../../lib/kube/failures';
import type { ObjectStore, SimUser } from '../../sim/testing';
import { seedPullFailures, simClusterForFile } from './sim-cluster';

/** Holds no rules of its own: everything it may do comes from the bindings the tests take away. */
const ON_CALL: SimUser = { name: 'sim-on-call', username: 'on-call', token: 'on-call-token-3e8d', rules: [] };

const READ_VERBS = ['get', 'list', 'watch'];

/** The seeded failures; the on-call user may list namespaces, and read and watch everything in shop and across the cluster. */
function seedWithBindings(store: ObjectStore): void {
  seedPullFailures(store);
  clusterRole(store, 'namespace-lister', [{ verbs: ['list'], apiGroups: [''], resources: ['namespaces'] }]);
  clusterRole(store, 'reader', [{ verbs: READ_VERBS, apiGroups: ['', 'apps', 'batch'], resources: ['*'] }]);
  clusterRole(store, 'lister', [{ verbs: ['get', 'list'], apiGroups: ['', 'apps', 'batch'], resources: ['*'] }]);
  bind(store, 'namespace-lister', null);
  bind(store, 'reader', null);
  bind(store, 'reader', 'shop');
}

function clusterRole(store: ObjectStore, name: string, rules: object[]): void {
  store.create('clusterroles', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules });
}

function bind(store: ObjectStore, role: string, namespace: string | null): void {
  const kind = namespace ? 'RoleBinding' : 'ClusterRoleBinding';
  store.create(namespace ? 'rolebindings' : 'clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: { name: `on-call-${role}`, ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'User', name: ON_CALL.username }],
  });
}

const cluster = simClusterForFile(seedWithBindings, [ON_CALL]);
let registry: CacheRegistry;

afterEach(() => registry?.stopAll());

function comparable(response: FailuresResponse) {
  return { items: response.items, warnings: response.warnings };
}

describe('a right revoked while the cache watches', () => {
  it('falls back to the namespaces still allowed when cluster-wide watching is taken away', async () => {
    // Watches end after a second, so the next one meets the revocation without waiting for the default timeout.
    registry = new CacheRegistry({ now: () => Date.now() }, 60_000, { watchTimeoutSeconds: 1 });
    const first = await registry.failures(ON_CALL.name, null);
    expect(first.live).toEqual({ mode: 'cluster-watch', notice: null });
    expect(first.items.some((item) => item.namespace !== 'shop')).toBe(true);

    cluster().store.delete('clusterrolebindings', '', 'on-call-reader');
    await vi.waitFor(async () => expect((await registry.failures(ON_CALL.name, null)).live?.mode).toBe('namespace-watch'), { timeout: 10_000 });
    const answer = await registry.failures(ON_CALL.name, null);
    expect(answer.live?.notice).toContain('watching shop one by one');
    expect(comparable(answer)).toEqual(comparable(await listPullFailures(ON_CALL.name, 'shop')));
  });

  // Goes on from the test above, which left the cluster-wide binding deleted.
  it('reads per request when watching is taken away but listing is not, and answers as the reads do', async () => {
    registry = new CacheRegistry({ now: () => Date.now() }, 60_000, { watchTimeoutSeconds: 1 });
    expect((await registry.failures(ON_CALL.name, null)).live?.mode).toBe('namespace-watch');

    bind(cluster().store, 'lister', null);
    cluster().store.delete('rolebindings', 'shop', 'on-call-reader');
    await vi.waitFor(async () => expect((await registry.failures(ON_CALL.name, null)).live?.mode).toBe('read-per-request'), { timeout: 10_000 });
    const answer = await registry.failures(ON_CALL.name, null);
    expect(answer.live?.notice).toContain('may not watch pods');
    expect(comparable(answer)).toEqual(comparable(await listPullFailures(ON_CALL.name, null)));
    expect(answer.items.some((item) => item.namespace !== 'shop')).toBe(true);
  });
});
