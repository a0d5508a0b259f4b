import type { PolicyRule } from '../contracts';
import type { KubeObject, ObjectStore } from '../store';

/**
 * RBAC decisions as the RBAC authorizer makes them: a request's identity gets the rules the scenario gives its user
 * directly and the rules of every stored ClusterRoleBinding (cluster-wide) and RoleBinding (in its namespace) whose
 * subjects name the identity, its service account or one of its groups. Rules match as the `rbac/v1` helpers match
 * them: verbs, API groups, resources with `*` and `*` + `/<subresource>`, resourceNames (never for requests without
 * a name), and namespaces standing in for the RoleBinding a scenario rule came from.
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

/** Who a request acts as: the authenticated user, or the user it impersonates. */
export interface Identity {
  username: string;
  /** The groups the identity belongs to; absent, the ones the authenticator gives its username (`groupsOf`). */
  groups?: string[];
  /** Rules the scenario grants the user directly, besides what stored bindings grant. */
  rules: PolicyRule[];
}

/** A rule as a stored Role or ClusterRole writes it. */
interface StoredRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

export const AUTHENTICATED_GROUP = 'system:authenticated';
const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/** Paths every authenticated user may read (the `system:discovery` and `system:public-info-viewer` roles). */
const DISCOVERY_PATHS = ['/api', '/apis', '/version', '/openapi', '/healthz', '/livez', '/readyz'];

export function isAllowed(identity: Identity, attributes: ResourceAttributes, store: ObjectStore): boolean {
  if (identity.rules.some((rule) => ruleAllows(rule, attributes))) return true;
  return boundRules(identity, attributes.namespace, store).some((rule) => ruleAllows(toPolicyRule(rule), attributes));
}

export function isNonResourceAllowed(identity: Identity, attributes: NonResourceAttributes, store: ObjectStore): boolean {
  if (attributes.verb === 'get' && DISCOVERY_PATHS.some((path) => attributes.path === path || attributes.path.startsWith(`${path}/`))) {
    return true;
  }
  const scenarioAdmin = identity.rules.some(
    (rule) => rule.verbs.includes('*') && rule.resources.includes('*') && rule.apiGroups.includes('*') && !rule.namespaces,
  );
  // Non-resource URLs are granted only by ClusterRoleBindings: a RoleBinding's rules apply inside its namespace.
  return scenarioAdmin || boundRules(identity, '', store).some((rule) => nonResourceRuleAllows(rule, attributes));
}

/** The reason half of a Forbidden message, worded as the apiserver's `forbiddenMessage`. */
export function forbiddenReason(identity: Identity, attributes: ResourceAttributes): string {
  const resource = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
  const where = attributes.namespace ? `in the namespace "${attributes.namespace}"` : 'at the cluster scope';
  return `User "${identity.username}" cannot ${attributes.verb} resource "${resource}" in API group "${attributes.group}" ${where}`;
}

/** The groups the authenticator puts a username in: a service account's two, and everyone's `system:authenticated`. */
export function groupsOf(username: string): string[] {
  const serviceAccount = serviceAccountOf(username);
  if (!serviceAccount) return [AUTHENTICATED_GROUP];
  return ['system:serviceaccounts', `system:serviceaccounts:${serviceAccount.namespace}`, AUTHENTICATED_GROUP];
}

/** The namespace and name of a `system:serviceaccount:<namespace>:<name>` username. */
export function serviceAccountOf(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

/**
 * The stored rules bound to the identity: every ClusterRoleBinding's cluster-wide, and, for a namespaced request,
 * the RoleBindings of that namespace, whose rules hold only there (so they come back limited to it).
 */
function boundRules(identity: Identity, namespace: string, store: ObjectStore): (StoredRule & { namespaces?: string[] })[] {
  const groups = identity.groups ?? groupsOf(identity.username);
  const rules: (StoredRule & { namespaces?: string[] })[] = [];
  for (const binding of store.snapshot('clusterrolebindings')) {
    if (bindsIdentity(binding, '', identity.username, groups)) rules.push(...referencedRules(binding, '', store));
  }
  if (namespace) {
    for (const binding of store.snapshot('rolebindings', namespace)) {
      if (!bindsIdentity(binding, namespace, identity.username, groups)) continue;
      rules.push(...referencedRules(binding, namespace, store).map((rule) => ({ ...rule, namespaces: [namespace] })));
    }
  }
  return rules;
}

/** The RBAC authorizer's `appliesToUser`: a ServiceAccount subject without a namespace takes the binding's. */
function bindsIdentity(binding: KubeObject, bindingNamespace: string, username: string, groups: string[]): boolean {
  const subjects = (binding.subjects ?? []) as Subject[];
  return subjects.some((subject) => {
    switch (subject.kind) {
      case 'User':
        return subject.name === username;
      case 'Group':
        return subject.name !== undefined && groups.includes(subject.name);
      case 'ServiceAccount': {
        const namespace = subject.namespace || bindingNamespace;
        return namespace !== '' && username === `${SERVICE_ACCOUNT_PREFIX}${namespace}:${subject.name ?? ''}`;
      }
      default:
        return false;
    }
  });
}

/** The rules of the role a binding refers to; a missing role grants nothing, as on the real server. */
function referencedRules(binding: KubeObject, bindingNamespace: string, store: ObjectStore): StoredRule[] {
  const roleRef = (binding.roleRef ?? {}) as { kind?: string; name?: string };
  if (!roleRef.name) return [];
  const role =
    roleRef.kind === 'ClusterRole'
      ? store.get('clusterroles', undefined, roleRef.name)
      : roleRef.kind === 'Role' && bindingNamespace
        ? store.get('roles', bindingNamespace, roleRef.name)
        : undefined;
  return ((role?.rules ?? []) as StoredRule[]).filter((rule) => rule !== null && typeof rule === 'object');
}

function toPolicyRule(rule: StoredRule & { namespaces?: string[] }): PolicyRule {
  return {
    verbs: rule.verbs ?? [],
    apiGroups: rule.apiGroups ?? [],
    resources: rule.resources ?? [],
    ...(rule.resourceNames ? { resourceNames: rule.resourceNames } : {}),
    ...(rule.namespaces ? { namespaces: rule.namespaces } : {}),
  };
}

function ruleAllows(rule: PolicyRule, attributes: ResourceAttributes): boolean {
  if (rule.namespaces && !rule.namespaces.includes(attributes.namespace)) return false;
  if (!matchesAny(rule.verbs, attributes.verb)) return false;
  if (!matchesAny(rule.apiGroups, attributes.group)) return false;
  if (!resourceMatches(rule.resources, attributes)) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) return attributes.name !== '' && rule.resourceNames.includes(attributes.name);
  return true;
}

// `NonResourceURLMatches`: an exact path, or a prefix written with a trailing `*`.
function nonResourceRuleAllows(rule: StoredRule, attributes: NonResourceAttributes): boolean {
  if (!matchesAny(rule.verbs ?? [], attributes.verb)) return false;
  return (rule.nonResourceURLs ?? []).some(
    (url) => url === '*' || url === attributes.path || (url.endsWith('*') && attributes.path.startsWith(url.slice(0, -1))),
  );
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
