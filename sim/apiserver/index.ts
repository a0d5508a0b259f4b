import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realClock } from '../clock';
import type { ApiServerOptions, RunningApiServer, SimUser } from '../contracts';
import type { ObjectStore } from '../store';
import { decodeObjectBody } from './body';
import { discoveryDocument, type DiscoveryDocument } from './discovery';
import { handleResourceRequest, qualified, type ResourceRequest, type ResourceRequestInfo } from './handlers';
import { impersonatedIdentity } from './impersonation';
import { forbiddenReason, isAllowed, isNonResourceAllowed, type Identity, type ResourceAttributes } from './rbac';
import { parseRequestInfo, type RequestInfo } from './request-info';
import { ListCache } from './list-cache';
import { requestMetrics, type OpenWatches } from './metrics';
import { AUTHORIZATION_GROUP, RESOURCE_TYPES } from './resources';
import { ApiError, forbidden, methodNotAllowed, pathNotFound, unauthorized } from './status';
import { serveWatch } from './watch';

/**
 * The simulated kube-apiserver: HTTPS on 127.0.0.1, bearer-token authentication, impersonation, RBAC (the scenario
 * users' rules and the stored Roles and bindings), discovery, and REST
 * (with watch) over the object store. Every request is recorded in `requestLog` for the API-call budget tests,
 * and counted at `/metrics` for clients outside the process (the benchmark).
 */
export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const requestLog: RunningApiServer['requestLog'] = [];
  const clock = options.clock ?? realClock;
  const openWatches: OpenWatches = new Map();
  const usersByToken = new Map(options.users.map((user) => [user.token, user]));
  const lists = new ListCache(options.store, RESOURCE_TYPES.map((type) => type.resource));

  const server = createServer({ cert: options.tls.certPem, key: options.tls.keyPem }, (request, response) => {
    const respond = (status: number, body: unknown, user: SimUser | null, contentType = 'application/json') => {
      requestLog.push({ method: request.method ?? 'GET', path: request.url ?? '/', user: user?.name ?? null, status });
      if (response.headersSent) {
        response.end();
        return;
      }
      response.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' });
      response.end(contentType.startsWith('text/plain') ? String(body) : JSON.stringify(body));
    };
    readBody(request)
      .then((body) => serve(request, response, body, respond))
      .catch((error: unknown) => respond(500, internalError(error), null));
  });

  function serve(
    request: IncomingMessage,
    response: ServerResponse,
    body: Buffer,
    respond: (status: number, body: unknown, user: SimUser | null, contentType?: string) => void,
  ): void {
    const user = authenticate(request.headers.authorization, usersByToken);
    try {
      if (!user) throw unauthorized();
      const identity = impersonatedIdentity(user, request.headersDistinct, options.store);
      const url = new URL(request.url ?? '/', 'https://127.0.0.1');
      const info = parseRequestInfo(request.method ?? 'GET', url.pathname, url.searchParams);
      if (!info.isResourceRequest && info.path === '/metrics' && info.verb === 'get') {
        if (!isNonResourceAllowed(identity, { verb: 'get', path: '/metrics' }, options.store)) {
          throw new ApiError(403, 'Forbidden', `forbidden: User "${identity.username}" cannot get path "/metrics"`, {});
        }
        respond(200, requestMetrics(requestLog, openWatches), user, 'text/plain; version=0.0.4');
        return;
      }
      if (!info.isResourceRequest) {
        const document = nonResourceDocument(info, identity, options.store, serverAddress(server), request.headers.accept ?? '');
        respond(200, document.body, user, document.contentType);
        return;
      }
      if (info.group === AUTHORIZATION_GROUP && info.resource === 'selfsubjectaccessreviews') {
        respond(201, selfSubjectAccessReview(info, identity, options.store, request.headers['content-type'] ?? '', body), user);
        return;
      }
      const resourceInfo = routableResource(info);
      authorize(identity, resourceInfo, options.store);
      const resourceRequest: ResourceRequest = {
        info: resourceInfo,
        query: url.searchParams,
        contentType: request.headers['content-type'] ?? '',
        accept: request.headers.accept ?? '',
        body,
        store: options.store,
        lists,
        admit: options.admit,
        now: new Date(clock.now()),
      };
      if (resourceInfo.verb === 'watch') {
        const stop = serveWatch(resourceRequest, response, clock);
        requestLog.push({ method: request.method ?? 'GET', path: request.url ?? '/', user: user.name, status: 200 });
        openWatches.set(stop, resourceInfo.resource);
        response.on('close', () => openWatches.delete(stop));
        return;
      }
      const result = handleResourceRequest(resourceRequest);
      respond(result.status, result.body, user);
    } catch (error) {
      if (error instanceof ApiError) respond(error.code, error.toStatus(), user);
      else respond(500, internalError(error), user);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    url: `https://${serverAddress(server)}`,
    requestLog,
    close: () => {
      lists.close();
      return closeServer(server, openWatches);
    },
  };
}

function authenticate(header: string | undefined, usersByToken: Map<string, SimUser>): SimUser | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return (match && usersByToken.get(match[1]!)) ?? null;
}

function nonResourceDocument(
  info: Extract<RequestInfo, { isResourceRequest: false }>,
  identity: Identity,
  store: ObjectStore,
  address: string,
  accept: string,
): DiscoveryDocument {
  if (!isNonResourceAllowed(identity, { verb: info.verb, path: info.path }, store)) {
    throw new ApiError(403, 'Forbidden', `forbidden: User "${identity.username}" cannot ${info.verb} path "${info.path}"`, {});
  }
  const document = info.verb === 'get' ? discoveryDocument(info.path, address, accept) : undefined;
  if (document === undefined) throw pathNotFound();
  return document;
}

function routableResource(info: Extract<RequestInfo, { isResourceRequest: true }>): ResourceRequestInfo {
  const type = info.resourceType;
  if (!type) throw pathNotFound();
  const collectionVerb = info.verb === 'list' || info.verb === 'watch' || info.verb === 'deletecollection';
  // Across namespaces only the collection reads exist: an object path 404s, a write to the collection 405s.
  if (type.namespaced && !info.namespace && !collectionVerb) throw info.name ? pathNotFound() : methodNotAllowed();
  if (!type.namespaced && info.namespace && type.resource !== 'namespaces') throw pathNotFound();
  return { ...info, resourceType: type };
}

function authorize(identity: Identity, info: ResourceRequestInfo, store: ObjectStore): void {
  const attributes: ResourceAttributes = {
    verb: info.verb,
    group: info.group,
    resource: info.resource,
    subresource: info.subresource,
    namespace: info.namespace,
    name: info.name,
  };
  if (!isAllowed(identity, attributes, store)) throw forbidden(qualified(info), info.name, forbiddenReason(identity, attributes));
}

function selfSubjectAccessReview(
  info: Extract<RequestInfo, { isResourceRequest: true }>,
  identity: Identity,
  store: ObjectStore,
  contentType: string,
  body: Buffer,
): unknown {
  if (info.verb !== 'create' || info.name) throw pathNotFound();
  const review = decodeObjectBody(contentType, body);
  const spec = (review.spec ?? {}) as {
    resourceAttributes?: Partial<ResourceAttributes> & { version?: string };
    nonResourceAttributes?: { path?: string; verb?: string };
  };
  let allowed: boolean;
  if (spec.resourceAttributes) {
    const requested = spec.resourceAttributes;
    allowed = isAllowed(
      identity,
      {
        verb: requested.verb ?? '',
        group: requested.group ?? '',
        resource: requested.resource ?? '',
        subresource: requested.subresource ?? '',
        namespace: requested.namespace ?? '',
        name: requested.name ?? '',
      },
      store,
    );
  } else if (spec.nonResourceAttributes) {
    allowed = isNonResourceAllowed(identity, { verb: spec.nonResourceAttributes.verb ?? '', path: spec.nonResourceAttributes.path ?? '' }, store);
  } else {
    throw new ApiError(422, 'Invalid', 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified', {
      kind: 'SelfSubjectAccessReview',
      group: AUTHORIZATION_GROUP,
      causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified', field: 'spec.resourceAttributes' }],
    });
  }
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: `${AUTHORIZATION_GROUP}/v1`,
    metadata: { creationTimestamp: null },
    spec,
    status: { allowed },
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function internalError(error: unknown): unknown {
  console.error('sim apiserver: internal error', error);
  return new ApiError(500, 'InternalError', `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`).toStatus();
}

function serverAddress(server: Server): string {
  const address = server.address() as AddressInfo;
  return `127.0.0.1:${address.port}`;
}

function closeServer(server: Server, openWatches: OpenWatches): Promise<void> {
  for (const stop of openWatches.keys()) stop();
  openWatches.clear();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
