import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimUser } from '../contracts';
import { ObjectStore } from '../store';
import { ApiError } from './status';
import { impersonatedIdentity } from './impersonation';
import { ADMIN, VIEWER, startTestCluster, type TestCluster } from './testing';

const RBAC = 'rbac.authorization.k8s.io/v1';

/** A store where `pullfix`'s ClusterRole lets it list pods, and `support` may impersonate only the shop's service accounts. */
function rbacStore(): ObjectStore {
  const store = new ObjectStore();
  store.create('clusterroles', { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name: 'pod-lister' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }] });
  store.create('clusterrolebindings', {
    apiVersion: RBAC,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'pullfix' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'pod-lister' },
    subjects: [{ kind: 'ServiceAccount', name: 'pullfix', namespace: 'pullfix' }],
  });
  store.create('roles', { apiVersion: RBAC, kind: 'Role', metadata: { name: 'impersonator', namespace: 'shop' }, rules: [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] }] });
  store.create('rolebindings', {
    apiVersion: RBAC,
    kind: 'RoleBinding',
    metadata: { name: 'support', namespace: 'shop' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'impersonator' },
    subjects: [{ kind: 'User', name: 'support' }],
  });
  return store;
}

const SUPPORT: SimUser = { name: 'support', username: 'support', token: 'support-token', rules: [] };

function refusal(run: () => unknown): { code: number; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the impersonation to be refused');
}

describe('impersonatedIdentity', () => {
  it('is the requester itself without impersonation headers', () => {
    expect(impersonatedIdentity(VIEWER, {}, rbacStore())).toBe(VIEWER);
  });

  it('acts as a service account with its fixed groups and no scenario rules', () => {
    const identity = impersonatedIdentity(ADMIN, { 'impersonate-user': ['system:serviceaccount:pullfix:pullfix'] }, rbacStore());
    expect(identity).toEqual({
      username: 'system:serviceaccount:pullfix:pullfix',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:pullfix', 'system:authenticated'],
      rules: [],
    });
  });

  it('acts as a user in the requested groups, plus system:authenticated', () => {
    const identity = impersonatedIdentity(ADMIN, { 'impersonate-user': ['bob'], 'impersonate-group': ['developers', 'ops, on call'] }, rbacStore());
    expect(identity).toEqual({ username: 'bob', groups: ['developers', 'ops, on call', 'system:authenticated'], rules: [] });
  });

  it('refuses users without the impersonate verb, in the apiserver’s words', () => {
    expect(refusal(() => impersonatedIdentity(VIEWER, { 'impersonate-user': ['bob'] }, rbacStore()))).toEqual({
      code: 403,
      message: 'users "bob" is forbidden: User "system:serviceaccount:default:viewer" cannot impersonate resource "users" in API group "" at the cluster scope',
    });
  });

  it('checks a service account in its namespace, and each group on its own', () => {
    const store = rbacStore();
    expect(impersonatedIdentity(SUPPORT, { 'impersonate-user': ['system:serviceaccount:shop:builder'] }, store).username).toBe('system:serviceaccount:shop:builder');
    expect(refusal(() => impersonatedIdentity(SUPPORT, { 'impersonate-user': ['system:serviceaccount:pullfix:pullfix'] }, store))).toEqual({
      code: 403,
      message: 'serviceaccounts "pullfix" is forbidden: User "support" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "pullfix"',
    });
    expect(
      refusal(() => impersonatedIdentity(SUPPORT, { 'impersonate-user': ['system:serviceaccount:shop:builder'], 'impersonate-group': ['system:masters'] }, store)),
    ).toEqual({
      code: 403,
      message: 'groups "system:masters" is forbidden: User "support" cannot impersonate resource "groups" in API group "" at the cluster scope',
    });
  });

  it('refuses groups without a user', () => {
    expect(refusal(() => impersonatedIdentity(ADMIN, { 'impersonate-group': ['developers'] }, rbacStore())).code).toBe(500);
  });
});

describe('impersonation over HTTPS', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster();
    const store = rbacStore();
    for (const resource of ['clusterroles', 'clusterrolebindings']) for (const object of store.list(resource)) cluster.store.create(resource, object);
  });

  afterAll(async () => {
    await cluster?.close();
  });

  function call(method: string, path: string, token: string, headers: Record<string, string | string[]>, body?: unknown) {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const allHeaders = { ...headers, Authorization: `Bearer ${token}`, Accept: 'application/json', ...(payload ? { 'Content-Type': 'application/json' } : {}) };
    return new Promise<{ status: number; body: Record<string, any> }>((resolve, reject) => { // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are read field by field
      const request = httpsRequest(`${cluster.url}${path}`, { method, headers: allHeaders, ca: cluster.caPem }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      });
      request.on('error', reject);
      request.end(payload);
    });
  }

  const AS_PULLFIX = { 'Impersonate-User': 'system:serviceaccount:pullfix:pullfix' };

  it('serves the impersonated identity what its bindings grant, and nothing of the requester’s', async () => {
    expect((await call('GET', '/api/v1/namespaces/default/pods', ADMIN.token, AS_PULLFIX)).status).toBe(200);
    const denied = await call('GET', '/api/v1/namespaces/default/secrets', ADMIN.token, AS_PULLFIX);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe(
      'secrets is forbidden: User "system:serviceaccount:pullfix:pullfix" cannot list resource "secrets" in API group "" in the namespace "default"',
    );
  });

  it('refuses the viewer with 403 before serving anything', async () => {
    const refused = await call('GET', '/api/v1/namespaces/default/pods', VIEWER.token, AS_PULLFIX);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', details: { name: 'pullfix', kind: 'serviceaccounts' } });
  });

  it('answers a SelfSubjectAccessReview for the impersonated identity', async () => {
    const review = (verb: string, resource: string) => ({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb, resource, namespace: 'default' } },
    });
    const path = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
    expect((await call('POST', path, ADMIN.token, AS_PULLFIX, review('list', 'pods'))).body.status).toEqual({ allowed: true });
    expect((await call('POST', path, ADMIN.token, AS_PULLFIX, review('delete', 'pods'))).body.status).toEqual({ allowed: false });
    expect((await call('POST', path, ADMIN.token, {}, review('delete', 'pods'))).body.status).toEqual({ allowed: true });
  });
});
