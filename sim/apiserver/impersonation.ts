import type { ObjectStore } from '../store';
import { AUTHENTICATED_GROUP, forbiddenReason, groupsOf, isAllowed, serviceAccountOf, type Identity, type ResourceAttributes } from './rbac';
import { ApiError, forbidden } from './status';

/**
 * The apiserver's impersonation filter: `Impersonate-User` and `Impersonate-Group` make the request act as another
 * identity, provided the authenticated one may `impersonate` each of them (users, serviceaccounts in their namespace,
 * groups). The impersonated identity has only what RBAC bindings grant it: the scenario's own rules belong to the
 * token's user.
 */
export function impersonatedIdentity(requester: Identity, headers: NodeJS.Dict<string[]>, store: ObjectStore): Identity {
  const username = headerValues(headers['impersonate-user'])[0];
  const requestedGroups = headerValues(headers['impersonate-group']);
  if (username === undefined) {
    // The real filter refuses this before authorizing anything: groups belong to a user.
    if (requestedGroups.length > 0) throw new ApiError(500, 'InternalError', `requested groups ${JSON.stringify(requestedGroups)} without impersonating a user`);
    return requester;
  }
  const serviceAccount = serviceAccountOf(username);
  const userAttributes: ResourceAttributes = serviceAccount
    ? { verb: 'impersonate', group: '', resource: 'serviceaccounts', subresource: '', namespace: serviceAccount.namespace, name: serviceAccount.name }
    : { verb: 'impersonate', group: '', resource: 'users', subresource: '', namespace: '', name: username };
  const checks = [
    userAttributes,
    ...requestedGroups.map((group): ResourceAttributes => ({ verb: 'impersonate', group: '', resource: 'groups', subresource: '', namespace: '', name: group })),
  ];
  for (const attributes of checks) {
    if (!isAllowed(requester, attributes, store)) {
      throw forbidden({ resource: attributes.resource, group: '' }, attributes.name, forbiddenReason(requester, attributes));
    }
  }
  // Without requested groups a service account gets its fixed ones; every named user is also authenticated.
  const groups = requestedGroups.length > 0 || !serviceAccount ? [...requestedGroups] : groupsOf(username);
  if (!groups.includes(AUTHENTICATED_GROUP)) groups.push(AUTHENTICATED_GROUP);
  return { username, groups, rules: [] };
}

// Read from `headersDistinct`: Node joins repeated headers with commas, and a group name may contain one.
function headerValues(values: string[] | undefined): string[] {
  return (values ?? []).filter((value) => value !== '');
}
