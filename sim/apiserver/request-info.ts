import { findResourceType, type ResourceType } from './resources';

/**
 * What a request path names, parsed as the apiserver's RequestInfoFactory parses it: discovery and other
 * non-resource paths, or a resource (group, version, namespace, name, subresource) and the RBAC verb.
 */

export type RequestInfo =
  | { isResourceRequest: false; path: string; verb: string }
  | {
      isResourceRequest: true;
      path: string;
      verb: string;
      group: string;
      version: string;
      resource: string;
      /** The namespace RBAC sees: for a namespace object itself, its own name. */
      namespace: string;
      name: string;
      subresource: string;
      resourceType: ResourceType | undefined;
    };

// `/namespaces/<ns>/status` and `/finalize` are subresources of the namespace, not resources inside it.
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const lowerMethod = method.toLowerCase();
  const segments = path.split('/').filter((segment) => segment !== '').map(decodeSegment);
  const nonResource = { isResourceRequest: false as const, path, verb: lowerMethod };
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    version = segments[1]!;
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1]!;
    version = segments[2]!;
    rest = segments.slice(3);
  } else {
    return nonResource;
  }

  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1]!;
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) rest = rest.slice(2);
  }
  const [resource = '', name = '', subresource = ''] = rest;
  return {
    isResourceRequest: true,
    path,
    verb: resourceVerb(lowerMethod, name, query),
    group,
    version,
    resource,
    namespace,
    name,
    subresource,
    resourceType: rest.length <= 3 ? findResourceType(group, version, resource) : undefined,
  };
}

// A malformed escape stays as written: it then names nothing, and the request ends in an ordinary 404.
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function resourceVerb(method: string, name: string, query: URLSearchParams): string {
  switch (method) {
    case 'get':
    case 'head':
      if (isWatch(query)) return 'watch';
      return name ? 'get' : 'list';
    case 'post':
      return 'create';
    case 'put':
      return 'update';
    case 'patch':
      return 'patch';
    case 'delete':
      return name ? 'delete' : 'deletecollection';
    default:
      return method;
  }
}

function isWatch(query: URLSearchParams): boolean {
  const watch = query.get('watch');
  return watch === 'true' || watch === '1';
}
