/**
 * The resource types the simulated API server serves, with what discovery, RBAC and error messages need to
 * know about each. Plural names are unique across groups, so they double as the store's resource keys.
 */

export interface ResourceType {
  resource: string;
  singular: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Whether the type has a `/status` subresource whose writes touch only `.status`. */
  hasStatus: boolean;
  /** Whether `.spec` changes bump metadata.generation (types without a spec have none to bump). */
  hasSpec: boolean;
  /** Whether the type has an autoscaling/v1 `/scale` subresource over `.spec.replicas` (what `kubectl scale` uses). */
  hasScale: boolean;
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
export const STATUS_VERBS = ['get', 'patch', 'update'];

function type(
  resource: string,
  kind: string,
  group: string,
  options: { namespaced?: boolean; shortNames?: string[]; all?: boolean; status?: boolean; spec?: boolean; scale?: boolean } = {},
): ResourceType {
  return {
    resource,
    singular: kind.toLowerCase(),
    kind,
    group,
    version: 'v1',
    namespaced: options.namespaced ?? true,
    shortNames: options.shortNames ?? [],
    categories: options.all ? ['all'] : [],
    hasStatus: options.status ?? true,
    hasSpec: options.spec ?? true,
    hasScale: options.scale ?? false,
  };
}

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export const RESOURCE_TYPES: ResourceType[] = [
  type('namespaces', 'Namespace', '', { namespaced: false, shortNames: ['ns'] }),
  type('nodes', 'Node', '', { namespaced: false, shortNames: ['no'] }),
  type('pods', 'Pod', '', { shortNames: ['po'], all: true }),
  type('secrets', 'Secret', '', { status: false, spec: false }),
  type('serviceaccounts', 'ServiceAccount', '', { shortNames: ['sa'], status: false, spec: false }),
  type('events', 'Event', '', { shortNames: ['ev'], status: false, spec: false }),
  type('services', 'Service', '', { shortNames: ['svc'], all: true }),
  type('deployments', 'Deployment', 'apps', { shortNames: ['deploy'], all: true, scale: true }),
  type('replicasets', 'ReplicaSet', 'apps', { shortNames: ['rs'], all: true, scale: true }),
  type('statefulsets', 'StatefulSet', 'apps', { shortNames: ['sts'], all: true, scale: true }),
  type('daemonsets', 'DaemonSet', 'apps', { shortNames: ['ds'], all: true }),
  type('jobs', 'Job', 'batch', { all: true }),
  type('cronjobs', 'CronJob', 'batch', { shortNames: ['cj'], all: true }),
  type('roles', 'Role', RBAC_GROUP, { status: false, spec: false }),
  type('rolebindings', 'RoleBinding', RBAC_GROUP, { status: false, spec: false }),
  type('clusterroles', 'ClusterRole', RBAC_GROUP, { namespaced: false, status: false, spec: false }),
  type('clusterrolebindings', 'ClusterRoleBinding', RBAC_GROUP, { namespaced: false, status: false, spec: false }),
];

export const AUTHORIZATION_GROUP = 'authorization.k8s.io';

export function apiVersionOf(resourceType: Pick<ResourceType, 'group' | 'version'>): string {
  return resourceType.group ? `${resourceType.group}/${resourceType.version}` : resourceType.version;
}

export function findResourceType(group: string, version: string, resource: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((candidate) => candidate.group === group && candidate.version === version && candidate.resource === resource);
}

export function servedGroupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const resourceType of RESOURCE_TYPES) {
    seen.set(apiVersionOf(resourceType), { group: resourceType.group, version: resourceType.version });
  }
  seen.set(`${AUTHORIZATION_GROUP}/v1`, { group: AUTHORIZATION_GROUP, version: 'v1' });
  return [...seen.values()];
}
