import type { PolicyRule, SimUser } from '../contracts';

/**
 * RBAC decisions over a user's rules, matched as the RBAC authorizer matches them (`rbac/v1` helpers): verbs,
 * API groups, resources with `*` and `*` + `/<subresource>`, resourceNames (never for requests without a name), and
 * namespaces standing in for the RoleBindings the rules came from.
 */

export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export interface NonResourceAttributes {
  verb: string;
  path: string;
}

/** Paths every authenticated user may read (the `system:discovery` and `system:public-info-viewer` roles). */
const DISCOVERY_PATHS = ['/api', '/apis', '/version', '/openapi', '/healthz', '/livez', '/readyz'];

export function isAllowed(user: SimUser, attributes: ResourceAttributes): boolean {
  return user.rules.some((rule) => ruleAllows(rule, attributes));
}

export function isNonResourceAllowed(user: SimUser, attributes: NonResourceAttributes): boolean {
  if (attributes.verb === 'get' && DISCOVERY_PATHS.some((path) => attributes.path === path || attributes.path.startsWith(`${path}/`))) {
    return true;
  }
  return user.rules.some((rule) => rule.verbs.includes('*') && rule.resources.includes('*') && rule.apiGroups.includes('*') && !rule.namespaces);
}

/** The reason half of a Forbidden message, worded as the apiserver's `forbiddenMessage`. */
export function forbiddenReason(user: SimUser, attributes: ResourceAttributes): string {
  const resource = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
  const where = attributes.namespace ? `in the namespace "${attributes.namespace}"` : 'at the cluster scope';
  return `User "${user.username}" cannot ${attributes.verb} resource "${resource}" in API group "${attributes.group}" ${where}`;
}

function ruleAllows(rule: PolicyRule, attributes: ResourceAttributes): boolean {
  if (rule.namespaces && !rule.namespaces.includes(attributes.namespace)) return false;
  if (!matchesAny(rule.verbs, attributes.verb)) return false;
  if (!matchesAny(rule.apiGroups, attributes.group)) return false;
  if (!resourceMatches(rule.resources, attributes)) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) return attributes.name !== '' && rule.resourceNames.includes(attributes.name);
  return true;
}

function matchesAny(allowed: string[], requested: string): boolean {
  return allowed.includes('*') || allowed.includes(requested);
}

function resourceMatches(resources: string[], attributes: ResourceAttributes): boolean {
  const combined = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
  return resources.some(
    (resource) =>
      resource === '*' || resource === combined || (attributes.subresource !== '' && resource === `*/${attributes.subresource}`),
  );
}
