import { ALL_VERBS, AUTHORIZATION_GROUP, RESOURCE_TYPES, STATUS_VERBS, apiVersionOf, servedGroupVersions } from './resources';

/**
 * The non-resource documents clients read before they act: `/version` (the kubectl dispatcher picks its
 * kubectl from `minor`), legacy discovery (`/api`, `/apis`, per-group-version APIResourceLists, which
 * `kubectl auth can-i` reads even when aggregated discovery exists), and a minimal OpenAPI v3 that tells
 * `kubectl create|apply -f` the server understands `fieldValidation`.
 */

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T17:59:15Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export const AGGREGATED_DISCOVERY_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export interface DiscoveryDocument {
  body: unknown;
  contentType: string;
}

/**
 * The document at `path`, or undefined when the path is not a discovery or OpenAPI document. `/api` and `/apis`
 * answer in the aggregated v2 form when the client asks for it (one round trip instead of one per group),
 * with the Content-Type client-go picks its decoder by.
 */
export function discoveryDocument(path: string, serverAddress: string, accept: string): DiscoveryDocument | undefined {
  const trimmed = path.replace(/\/+$/, '') || '/';
  const aggregated = accept.split(',').some((part) => part.includes('g=apidiscovery.k8s.io') && part.includes('v=v2') && !part.includes('v=v2beta1'));
  if ((trimmed === '/api' || trimmed === '/apis') && aggregated) {
    return { body: aggregatedDiscovery(trimmed === '/api'), contentType: AGGREGATED_DISCOVERY_CONTENT_TYPE };
  }
  const body = legacyDocument(trimmed, serverAddress);
  return body === undefined ? undefined : { body, contentType: 'application/json' };
}

function legacyDocument(trimmed: string, serverAddress: string): unknown {
  if (trimmed === '/version') return SERVER_VERSION;
  if (trimmed === '/api') {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }
  if (trimmed === '/apis') return apiGroupList();
  if (trimmed === '/openapi/v3') return openApiIndex();
  if (trimmed.startsWith('/openapi/v3/')) return openApiDocument(trimmed.slice('/openapi/v3/'.length));
  const groupVersion = trimmed.startsWith('/api/') ? trimmed.slice('/api/'.length) : trimmed.startsWith('/apis/') ? trimmed.slice('/apis/'.length) : null;
  if (groupVersion === null) return undefined;
  const served = servedGroupVersions().find((candidate) => apiVersionOf(candidate) === groupVersion);
  if (!served) return undefined;
  if (trimmed.startsWith('/api/') !== (served.group === '')) return undefined;
  return apiResourceList(served.group, served.version);
}

function aggregatedDiscovery(core: boolean) {
  const items = servedGroupVersions()
    .filter(({ group }) => (group === '') === core)
    .map(({ group, version }) => ({
      metadata: core ? { creationTimestamp: null } : { name: group, creationTimestamp: null },
      versions: [{ version, resources: aggregatedResources(group, version), freshness: 'Current' }],
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

function aggregatedResources(group: string, version: string): Record<string, unknown>[] {
  const legacy = apiResourceList(group, version).resources;
  return legacy
    .filter((entry) => !String(entry.name).includes('/'))
    .map((entry) => {
      const responseKind = { group, version, kind: entry.kind };
      const resource: Record<string, unknown> = {
        resource: entry.name,
        responseKind,
        scope: entry.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: entry.singularName,
        verbs: entry.verbs,
      };
      if (entry.shortNames) resource.shortNames = entry.shortNames;
      if (entry.categories) resource.categories = entry.categories;
      const subresources = legacy
        .filter((candidate) => String(candidate.name).startsWith(`${String(entry.name)}/`))
        .map((candidate) => ({
          subresource: String(candidate.name).split('/')[1],
          responseKind: candidate.group ? { group: candidate.group, version: candidate.version, kind: candidate.kind } : responseKind,
          verbs: candidate.verbs,
        }));
      if (subresources.length > 0) resource.subresources = subresources;
      return resource;
    });
}

function apiGroupList() {
  const groups = new Map<string, { name: string; versions: { groupVersion: string; version: string }[] }>();
  for (const { group, version } of servedGroupVersions()) {
    if (group === '') continue;
    const entry = groups.get(group) ?? { name: group, versions: [] };
    entry.versions.push({ groupVersion: `${group}/${version}`, version });
    groups.set(group, entry);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups.values()].map((entry) => ({ ...entry, preferredVersion: entry.versions[0] })),
  };
}

function apiResourceList(group: string, version: string) {
  const resources: Record<string, unknown>[] = [];
  for (const type of RESOURCE_TYPES) {
    if (type.group !== group || type.version !== version) continue;
    const entry: Record<string, unknown> = {
      name: type.resource,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: type.resource === 'namespaces' ? ALL_VERBS.filter((verb) => verb !== 'deletecollection') : ALL_VERBS,
    };
    if (type.shortNames.length > 0) entry.shortNames = type.shortNames;
    if (type.categories.length > 0) entry.categories = type.categories;
    resources.push(entry);
    // Subresources in the real server's (alphabetical) order; kubectl debug patches pods/ephemeralcontainers.
    if (type.resource === 'pods') {
      resources.push({ name: 'pods/ephemeralcontainers', singularName: '', namespaced: true, kind: 'Pod', verbs: STATUS_VERBS });
    }
    if (type.hasStatus) {
      resources.push({ name: `${type.resource}/status`, singularName: '', namespaced: type.namespaced, kind: type.kind, verbs: STATUS_VERBS });
    }
    if (type.hasScale) {
      resources.push({ name: `${type.resource}/scale`, singularName: '', namespaced: type.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: STATUS_VERBS });
    }
  }
  if (group === AUTHORIZATION_GROUP) {
    resources.push({
      name: 'selfsubjectaccessreviews',
      singularName: 'selfsubjectaccessreview',
      namespaced: false,
      kind: 'SelfSubjectAccessReview',
      verbs: ['create'],
    });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

// Clients cache OpenAPI documents by this hash; it changes only when the served types change.
const OPENAPI_HASH = 'sim-v1';

function openApiIndex() {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const groupVersion of servedGroupVersions()) {
    const key = groupVersion.group ? `apis/${groupVersion.group}/${groupVersion.version}` : `api/${groupVersion.version}`;
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${OPENAPI_HASH}` };
  }
  return { paths };
}

function openApiDocument(key: string) {
  const served = servedGroupVersions().find((candidate) =>
    candidate.group ? key === `apis/${candidate.group}/${candidate.version}` : key === `api/${candidate.version}`,
  );
  if (!served) return undefined;
  const paths: Record<string, unknown> = {};
  for (const type of RESOURCE_TYPES) {
    if (type.group !== served.group || type.version !== served.version) continue;
    const prefix = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
    const path = type.namespaced ? `${prefix}/namespaces/{namespace}/${type.resource}/{name}` : `${prefix}/${type.resource}/{name}`;
    paths[path] = {
      patch: {
        'x-kubernetes-group-version-kind': { group: type.group, version: type.version, kind: type.kind },
        parameters: [
          { name: 'dryRun', in: 'query', schema: { type: 'string' } },
          { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
          { name: 'fieldValidation', in: 'query', schema: { type: 'string' } },
        ],
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths,
    components: { schemas: {} },
  };
}
