import { describe, expect, it } from 'vitest';
import type { SimUser } from '../contracts';
import { forbiddenReason, isAllowed, isNonResourceAllowed, type ResourceAttributes } from './rbac';

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
    expect(isAllowed(user, request)).toBe(expected);
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
    expect(isNonResourceAllowed(user, { verb, path })).toBe(expected);
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
