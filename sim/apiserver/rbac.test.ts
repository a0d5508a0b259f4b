import { describe, expect, it } from 'vitest';
import type { SimUser } from '../contracts';
import { ObjectStore } from '../store';
import { forbiddenReason, groupsOf, isAllowed, isNonResourceAllowed, type Identity, type ResourceAttributes } from './rbac';

const viewer: SimUser = {
  name: 'sim-viewer',
  username: 'system:serviceaccount:default:viewer',
  token: 't',
  rules: [
    { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'events', 'serviceaccounts'] },
    { verbs: ['get', 'list', 'watch'], apiGroups: ['apps'], resources: ['*'] },
  ],
};

const teamEditor: SimUser = {
  name: 'team-editor',
  username: 'jane',
  token: 't2',
  rules: [
    { verbs: ['*'], apiGroups: [''], resources: ['secrets'], namespaces: ['team-a'] },
    { verbs: ['patch'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['web'], namespaces: ['team-a'] },
    { verbs: ['get', 'update'], apiGroups: [''], resources: ['pods/status'] },
    { verbs: ['get'], apiGroups: ['batch'], resources: ['*/status'] },
  ],
};

const admin: SimUser = { name: 'sim-admin', username: 'admin', token: 't3', rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] };

function attributes(partial: Partial<ResourceAttributes>): ResourceAttributes {
  return { verb: 'get', group: '', resource: 'pods', subresource: '', namespace: 'default', name: '', ...partial };
}

describe('isAllowed', () => {
  it.each([
    [viewer, attributes({ verb: 'list' }), true],
    [viewer, attributes({ verb: 'watch', namespace: '' }), true],
    [viewer, attributes({ verb: 'get', name: 'web-1' }), true],
    [viewer, attributes({ verb: 'patch', name: 'web-1' }), false],
    [viewer, attributes({ verb: 'get', resource: 'secrets', name: 'regcred' }), false],
    [viewer, attributes({ verb: 'get', group: 'apps', resource: 'deployments' }), true],
    [viewer, attributes({ verb: 'patch', group: 'apps', resource: 'deployments' }), false],
    [viewer, attributes({ verb: 'get', group: 'apps', resource: 'deployments', subresource: 'status' }), true],
    [viewer, attributes({ verb: 'get', subresource: 'log' }), false],
    [viewer, attributes({ verb: 'list', group: 'batch', resource: 'jobs' }), false],
    [teamEditor, attributes({ verb: 'create', resource: 'secrets', namespace: 'team-a' }), true],
    [teamEditor, attributes({ verb: 'create', resource: 'secrets', namespace: 'default' }), false],
    [teamEditor, attributes({ verb: 'list', resource: 'secrets', namespace: '' }), false],
    [teamEditor, attributes({ verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'team-a', name: 'web' }), true],
    [teamEditor, attributes({ verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'team-a', name: 'api' }), false],
    [teamEditor, attributes({ verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'team-a', name: '' }), false],
    [teamEditor, attributes({ verb: 'update', subresource: 'status', name: 'p' }), true],
    [teamEditor, attributes({ verb: 'update', name: 'p' }), false],
    [teamEditor, attributes({ verb: 'get', group: 'batch', resource: 'jobs', subresource: 'status' }), true],
    [teamEditor, attributes({ verb: 'get', group: 'batch', resource: 'jobs' }), false],
    [admin, attributes({ verb: 'delete', resource: 'nodes', namespace: '' }), true],
    [admin, attributes({ verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews', namespace: '' }), true],
  ])('%#: %o → %s', (user, request, expected) => {
    expect(isAllowed(user, request, new ObjectStore())).toBe(expected);
  });
});

describe('isNonResourceAllowed', () => {
  it.each([
    [viewer, 'get', '/api', true],
    [viewer, 'get', '/apis/apps/v1', true],
    [viewer, 'get', '/version', true],
    [viewer, 'get', '/openapi/v3/api/v1', true],
    [viewer, 'get', '/metrics', false],
    [viewer, 'post', '/api', false],
    [admin, 'get', '/metrics', true],
  ])('%#: %s %s %s → %s', (user, verb, path, expected) => {
    expect(isNonResourceAllowed(user, { verb, path }, new ObjectStore())).toBe(expected);
  });
});

describe('forbiddenReason', () => {
  it.each([
    [
      attributes({ verb: 'patch', group: 'apps', resource: 'deployments', name: 'web' }),
      'User "system:serviceaccount:default:viewer" cannot patch resource "deployments" in API group "apps" in the namespace "default"',
    ],
    [attributes({ verb: 'list', resource: 'nodes', namespace: '' }), 'User "system:serviceaccount:default:viewer" cannot list resource "nodes" in API group "" at the cluster scope'],
    [attributes({ verb: 'get', subresource: 'log' }), 'User "system:serviceaccount:default:viewer" cannot get resource "pods/log" in API group "" in the namespace "default"'],
  ])('%#: words the denial as the apiserver does', (request, expected) => {
    expect(forbiddenReason(viewer, request)).toBe(expected);
  });
});

describe('rules from stored Roles and bindings', () => {
  const ROLE_REF = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole' };

  function rbacStore(): ObjectStore {
    const store = new ObjectStore();
    store.create('clusterroles', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'pod-reader' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
    });
    store.create('clusterroles', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'metrics-reader' },
      rules: [{ nonResourceURLs: ['/metrics', '/debug/*'], verbs: ['get'] }],
    });
    store.create('roles', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'secret-writer', namespace: 'shop' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['create'], resourceNames: [] }],
    });
    const binding = (kind: string, name: string, namespace: string | undefined, roleRef: object, subjects: object[]) =>
      store.create(kind === 'RoleBinding' ? 'rolebindings' : 'clusterrolebindings', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind,
        metadata: namespace ? { name, namespace } : { name },
        roleRef,
        subjects,
      });
    binding('ClusterRoleBinding', 'pod-readers', undefined, { ...ROLE_REF, name: 'pod-reader' }, [{ kind: 'User', name: 'jane' }]);
    binding('ClusterRoleBinding', 'metrics', undefined, { ...ROLE_REF, name: 'metrics-reader' }, [{ kind: 'Group', name: 'system:authenticated' }]);
    binding('RoleBinding', 'shop-pods', 'shop', { ...ROLE_REF, name: 'pod-reader' }, [{ kind: 'Group', name: 'system:serviceaccounts:ci' }]);
    binding('RoleBinding', 'shop-secrets', 'shop', { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secret-writer' }, [
      { kind: 'ServiceAccount', name: 'builder' },
      { kind: 'ServiceAccount', name: 'deployer', namespace: 'ci' },
    ]);
    binding('RoleBinding', 'dangling', 'shop', { ...ROLE_REF, name: 'does-not-exist' }, [{ kind: 'User', name: 'ghost' }]);
    return store;
  }

  const identity = (username: string, groups?: string[]): Identity => (groups ? { username, groups, rules: [] } : { username, rules: [] });

  it.each([
    ['a User subject, cluster-wide', identity('jane'), attributes({ verb: 'list', namespace: '' }), true],
    ['only the verbs of the role', identity('jane'), attributes({ verb: 'delete', name: 'p' }), false],
    ['a User subject names exactly one user', identity('janet'), attributes({ verb: 'list' }), false],
    ['a RoleBinding to a Group, inside its namespace', identity('system:serviceaccount:ci:runner'), attributes({ verb: 'get', namespace: 'shop', name: 'p' }), true],
    ['a RoleBinding grants nothing outside its namespace', identity('system:serviceaccount:ci:runner'), attributes({ verb: 'get', namespace: 'default', name: 'p' }), false],
    ['a RoleBinding grants nothing at the cluster scope', identity('system:serviceaccount:ci:runner'), attributes({ verb: 'list', namespace: '' }), false],
    ['a ServiceAccount subject without a namespace takes the binding’s', identity('system:serviceaccount:shop:builder'), attributes({ verb: 'create', resource: 'secrets', namespace: 'shop' }), true],
    ['a ServiceAccount subject with its own namespace', identity('system:serviceaccount:ci:deployer'), attributes({ verb: 'create', resource: 'secrets', namespace: 'shop' }), true],
    ['a ServiceAccount subject of another namespace', identity('system:serviceaccount:ci:builder'), attributes({ verb: 'create', resource: 'secrets', namespace: 'shop' }), false],
    ['explicit groups replace the derived ones', identity('system:serviceaccount:ci:runner', ['system:authenticated']), attributes({ verb: 'get', namespace: 'shop', name: 'p' }), false],
    ['a binding to a missing role grants nothing', identity('ghost'), attributes({ verb: 'get', namespace: 'shop', name: 'p' }), false],
  ])('%s', (_case, who, request, expected) => {
    expect(isAllowed(who, request, rbacStore())).toBe(expected);
  });

  it('adds what bindings grant to the scenario user’s own rules', () => {
    const store = rbacStore();
    const jane: SimUser = { name: 'jane', username: 'jane', token: 't4', rules: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }] };
    expect(isAllowed(jane, attributes({ resource: 'secrets', name: 's' }), store)).toBe(true);
    expect(isAllowed(jane, attributes({ verb: 'list' }), store)).toBe(true);
    expect(isAllowed(jane, attributes({ verb: 'list' }), new ObjectStore())).toBe(false);
  });

  it('grants non-resource URLs from ClusterRoleBindings, exact or by a trailing *', () => {
    const store = rbacStore();
    expect(isNonResourceAllowed(identity('anyone'), { verb: 'get', path: '/metrics' }, store)).toBe(true);
    expect(isNonResourceAllowed(identity('anyone'), { verb: 'get', path: '/debug/pprof' }, store)).toBe(true);
    expect(isNonResourceAllowed(identity('anyone'), { verb: 'get', path: '/metrics/extra' }, store)).toBe(false);
    expect(isNonResourceAllowed(identity('anyone'), { verb: 'post', path: '/metrics' }, store)).toBe(false);
  });

  it('puts a service account in its two groups, and everyone in system:authenticated', () => {
    expect(groupsOf('system:serviceaccount:pullfix:pullfix')).toEqual(['system:serviceaccounts', 'system:serviceaccounts:pullfix', 'system:authenticated']);
    expect(groupsOf('jane')).toEqual(['system:authenticated']);
    expect(groupsOf('system:serviceaccount:malformed')).toEqual(['system:authenticated']);
  });
});
