import { randomUUID } from 'node:crypto';
import { AdmissionError, type AdmissionHook } from '../contracts';
import { StoreError, type KubeObject, type ObjectStore } from '../store';
import { decodeObjectBody, mediaTypeOf, parseJson, parseYamlBody } from './body';
import { applyCreateDefaults, foldStringData } from './defaults';
import { ephemeralContainersWrite, validateEphemeralContainersUpdate } from './ephemeral-containers';
import { PatchError, applyJsonPatch, applyMergePatch, applyStrategicMergePatch, deepEqual } from './patch';
import type { ListCache } from './list-cache';
import type { RequestInfo } from './request-info';
import { apiVersionOf, type ResourceType } from './resources';
import { checkFieldSelector, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  invalid,
  methodNotAllowed,
  methodNotSupported,
  notFound,
  patchDoesNotApply,
  pathNotFound,
  unsupportedMediaType,
  type QualifiedResource,
} from './status';
import { requestedReplicas, toScale } from './scale';
import { toTable } from './table';
import { validateJobUpdate, validateObject, validatePodUpdate, validateSecretUpdate } from './validation';

/**
 * The REST verbs over the object store: get, list, create, update, patch, delete and deletecollection, with the
 * real server's semantics for selectors, pagination, dry runs, defaulting, validation, admission, no-op writes
 * and status subresources. Watch lives in watch.ts because it streams.
 */

export type ResourceRequestInfo = Extract<RequestInfo, { isResourceRequest: true }> & { resourceType: ResourceType };

export interface ResourceRequest {
  info: ResourceRequestInfo;
  query: URLSearchParams;
  contentType: string;
  accept: string;
  body: Buffer;
  store: ObjectStore;
  /** Lists are served from here; single objects are read from the store. */
  lists: ListCache;
  admit: AdmissionHook;
  now: Date;
}

export interface HandlerResult {
  status: number;
  body: unknown;
}

export function handleResourceRequest(request: ResourceRequest): HandlerResult {
  const { info } = request;
  const servedSubresource =
    (info.subresource === 'status' && info.resourceType.hasStatus) ||
    (info.subresource === 'scale' && info.resourceType.hasScale) ||
    (info.subresource === 'ephemeralcontainers' && info.resource === 'pods');
  if (info.subresource && !servedSubresource) throw pathNotFound();
  if (info.subresource && !['get', 'update', 'patch'].includes(info.verb)) throw methodNotAllowed();
  const postToObject = info.verb === 'create' && info.name !== '';
  const writeToCollection = (info.verb === 'update' || info.verb === 'patch') && info.name === '';
  if (postToObject || writeToCollection) throw methodNotAllowed();
  switch (info.verb) {
    case 'get':
      return getObject(request);
    case 'list':
      return listObjects(request);
    case 'create':
      return createObject(request);
    case 'update':
      return updateObject(request);
    case 'patch':
      return patchObject(request);
    case 'delete':
      return deleteObject(request);
    case 'deletecollection':
      return deleteCollection(request);
    default:
      throw methodNotAllowed();
  }
}

export function qualified(info: Pick<ResourceRequestInfo, 'resource' | 'group'>): QualifiedResource {
  return { resource: info.resource, group: info.group };
}

/** The store namespace of the request: undefined for cluster-scoped types. */
export function storeNamespace(info: ResourceRequestInfo): string | undefined {
  return info.resourceType.namespaced ? info.namespace || undefined : undefined;
}

export function wantsTable(accept: string): boolean {
  return accept.split(',').some((part) => part.includes('as=Table') && part.includes('g=meta.k8s.io'));
}

/** The list filters a list or watch request carries. */
export function listFilter(info: ResourceRequestInfo, query: URLSearchParams): (object: KubeObject) => boolean {
  const labels = parseLabelSelector(query.get('labelSelector') ?? '');
  const fields = parseFieldSelector(query.get('fieldSelector') ?? '');
  checkFieldSelector(info.resource, fields);
  return (object) => matchesLabels(labels, object.metadata.labels) && matchesFields(info.resource, object, fields);
}

function getObject(request: ResourceRequest): HandlerResult {
  const object = requireObject(request);
  if (request.info.subresource === 'scale') return { status: 200, body: toScale(object) };
  if (wantsTable(request.accept)) {
    return { status: 200, body: toTable(request.info.resource, [object], { resourceVersion: request.store.resourceVersion }, request.now) };
  }
  return { status: 200, body: object };
}

interface ContinueToken {
  resourceVersion: string;
  after: string;
}

function listObjects(request: ResourceRequest): HandlerResult {
  const { info, query, store } = request;
  const matches = listFilter(info, query);
  const token = query.get('continue') ? decodeContinue(query.get('continue')!) : null;
  const resourceVersion = token?.resourceVersion ?? store.resourceVersion;
  const requested = Number(query.get('limit') ?? '0');
  const limit = Number.isInteger(requested) && requested > 0 ? requested : Infinity;
  const selective = query.has('labelSelector') || query.has('fieldSelector');
  const { items, remaining } = request.lists.page(info.resource, {
    namespace: storeNamespace(info),
    after: token?.after,
    limit,
    matches: selective ? matches : undefined,
  });
  const metadata: Record<string, unknown> = { resourceVersion };
  if (remaining > 0) {
    metadata.continue = encodeContinue({ resourceVersion, after: objectKey(items[items.length - 1]!) });
    metadata.remainingItemCount = remaining;
  }
  if (wantsTable(request.accept)) {
    const tableMeta: { resourceVersion: string; continue?: string } = { resourceVersion };
    if (typeof metadata.continue === 'string') tableMeta.continue = metadata.continue;
    return { status: 200, body: toTable(info.resource, items, tableMeta, request.now) };
  }
  return {
    status: 200,
    body: { kind: `${info.resourceType.kind}List`, apiVersion: apiVersionOf(info.resourceType), metadata, items },
  };
}

function createObject(request: ResourceRequest): HandlerResult {
  const { info, store } = request;
  const type = info.resourceType;
  const object = decodeObjectBody(request.contentType, request.body) as KubeObject;
  checkBodyKind(object, type);
  const metadata = (object.metadata ?? {}) as KubeObject['metadata'];
  const namespace = storeNamespace(info);
  if (namespace !== undefined && metadata.namespace && metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (namespace !== undefined && !store.get('namespaces', undefined, namespace)) {
    throw notFound({ resource: 'namespaces', group: '' }, namespace);
  }
  if (type.resource === 'secrets') checkSecretData(object);
  for (const serverField of ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'selfLink', 'deletionTimestamp', 'managedFields']) {
    delete metadata[serverField];
  }
  if (!metadata.name && metadata.generateName) metadata.name = `${metadata.generateName}${randomSuffix()}`;
  if (namespace !== undefined) metadata.namespace = namespace;
  else delete metadata.namespace;
  const candidate = applyCreateDefaults(type.resource, {
    ...object,
    apiVersion: apiVersionOf(type),
    kind: type.kind,
    metadata,
  });
  const causes = validateObject(type.resource, candidate);
  if (causes.length > 0) throw invalid(type.kind, type.group, metadata.name ?? '', causes);

  let admitted: KubeObject;
  try {
    admitted = request.admit(type.resource, candidate, store);
  } catch (error) {
    if (error instanceof AdmissionError) throw admissionStatus(error, info, metadata.name ?? '');
    throw error;
  }

  if (isDryRun(request.query)) {
    if (store.get(type.resource, namespace, admitted.metadata.name)) throw alreadyExists(qualified(info), admitted.metadata.name);
    const preview = structuredClone(admitted);
    preview.metadata.uid = randomUUID();
    preview.metadata.creationTimestamp = isoSeconds(request.now);
    preview.metadata.generation = 1;
    return { status: 201, body: preview };
  }
  try {
    return { status: 201, body: store.create(type.resource, admitted) };
  } catch (error) {
    throw storeErrorStatus(error, info, admitted.metadata.name);
  }
}

function updateObject(request: ResourceRequest): HandlerResult {
  const { info } = request;
  const body = decodeObjectBody(request.contentType, request.body) as KubeObject;
  const metadata = (body.metadata ?? {}) as KubeObject['metadata'];
  if (metadata.name && metadata.name !== info.name) {
    throw badRequest(`the name of the object (${metadata.name}) does not match the name on the URL (${info.name})`);
  }
  const current = requireObject(request);
  if (info.subresource === 'scale') return writeScale(request, current, body, metadata.resourceVersion);
  checkBodyKind(body, info.resourceType);
  return writeChange(request, current, { ...body, metadata: { ...metadata, name: info.name } });
}

const APPLY_PATCH = 'application/apply-patch+yaml';

function patchObject(request: ResourceRequest): HandlerResult {
  const { info, store } = request;
  const current = store.get(info.resource, storeNamespace(info), info.name);
  if (!current) {
    // Server-side apply creates what does not exist yet; every other patch needs an object to patch.
    if (mediaTypeOf(request.contentType) === APPLY_PATCH && !info.subresource) return createObject({ ...request, contentType: 'application/yaml' });
    throw notFound(qualified(info), info.name);
  }
  const target = info.subresource === 'scale' ? toScale(current) : current;
  const patched = applyPatchBody(request, target, info.subresource === 'scale' ? 'Scale' : info.resourceType.kind);
  const metadata = (patched.metadata ?? {}) as KubeObject['metadata'];
  const expectedResourceVersion = metadata.resourceVersion !== current.metadata.resourceVersion ? metadata.resourceVersion : undefined;
  if (info.subresource === 'scale') return writeScale(request, current, patched, expectedResourceVersion);
  return writeChange(request, current, { ...patched, metadata: { ...metadata, name: current.metadata.name } }, expectedResourceVersion);
}

function applyPatchBody(request: ResourceRequest, target: KubeObject, kind: string): KubeObject {
  let patched: KubeObject;
  try {
    switch (mediaTypeOf(request.contentType)) {
      case 'application/json-patch+json':
        patched = applyJsonPatch(target, parseJson(request.body));
        break;
      case 'application/merge-patch+json':
        patched = applyMergePatch(target, parseJson(request.body));
        break;
      case 'application/strategic-merge-patch+json':
        patched = applyStrategicMergePatch(target, parseJson(request.body), kind);
        break;
      case APPLY_PATCH:
        patched = applyStrategicMergePatch(target, parseYamlBody(request.body), kind);
        break;
      default:
        throw unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', APPLY_PATCH, 'application/strategic-merge-patch+json']);
    }
  } catch (error) {
    if (!(error instanceof PatchError)) throw error;
    if (error.code === 400) throw badRequest(error.message);
    throw patchDoesNotApply(error.message);
  }
  if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) throw badRequest('the patched document is not an object');
  return patched;
}

/** A write through `/scale`: only spec.replicas of the workload changes; the answer is the new Scale. */
function writeScale(request: ResourceRequest, current: KubeObject, scale: KubeObject, requestedVersion: string | undefined): HandlerResult {
  const replicas = requestedReplicas(scale);
  if (Array.isArray(replicas)) throw invalid('Scale', 'autoscaling', current.metadata.name, replicas);
  const proposed: KubeObject = {
    ...current,
    metadata: { ...current.metadata, resourceVersion: requestedVersion ?? current.metadata.resourceVersion },
    spec: { ...(current.spec as object), replicas },
  };
  const result = writeChange(request, current, proposed, requestedVersion);
  return { status: result.status, body: toScale(result.body as KubeObject) };
}

/**
 * The shared tail of PUT and PATCH: keep what the endpoint may not change (status on the main resource,
 * everything but status on /status), validate, skip no-op writes, and bump generation on spec changes.
 */
function writeChange(request: ResourceRequest, current: KubeObject, proposed: KubeObject, patchResourceVersion?: string): HandlerResult {
  const { info, store } = request;
  const type = info.resourceType;
  let next: KubeObject;
  if (info.subresource === 'status') {
    next = { ...structuredClone(current), status: proposed.status };
  } else if (info.subresource === 'ephemeralcontainers') {
    next = ephemeralContainersWrite(current, proposed);
  } else {
    next = { ...proposed, apiVersion: apiVersionOf(type), kind: type.kind };
    if (type.hasStatus) {
      if (current.status === undefined) delete next.status;
      else next.status = structuredClone(current.status);
    }
    if (type.resource === 'secrets') {
      checkSecretData(next);
      foldStringData(next);
    }
  }
  const requestedVersion = info.verb === 'update' ? proposed.metadata.resourceVersion : patchResourceVersion;
  if (requestedVersion && requestedVersion !== current.metadata.resourceVersion) throw conflict(qualified(info), info.name);
  next.metadata = {
    ...next.metadata,
    namespace: current.metadata.namespace,
    uid: current.metadata.uid,
    creationTimestamp: current.metadata.creationTimestamp,
    generation: current.metadata.generation,
    resourceVersion: current.metadata.resourceVersion,
  };
  if (next.metadata.namespace === undefined) delete next.metadata.namespace;
  const updateCauses = [
    ...(type.resource === 'pods' && info.subresource === '' ? validatePodUpdate(current, next) : []),
    ...(info.subresource === 'ephemeralcontainers' ? validateEphemeralContainersUpdate(current, next) : []),
    ...(type.resource === 'secrets' ? validateSecretUpdate(current, next) : []),
    ...(type.resource === 'jobs' && info.subresource !== 'status' ? validateJobUpdate(current, next) : []),
  ];
  const causes = updateCauses.length > 0 ? updateCauses : validateObject(type.resource, next);
  if (causes.length > 0) throw invalid(type.kind, type.group, info.name, causes);

  if (deepEqual(next, current)) return { status: 200, body: current };
  const bumpGeneration = type.hasSpec && info.subresource !== 'status' && !deepEqual(next.spec, current.spec);
  if (isDryRun(request.query)) {
    const preview = structuredClone(next);
    if (bumpGeneration) preview.metadata.generation = (current.metadata.generation ?? 1) + 1;
    return { status: 200, body: preview };
  }
  try {
    return {
      status: 200,
      body: store.update(type.resource, next, { expectedResourceVersion: current.metadata.resourceVersion, bumpGeneration }),
    };
  } catch (error) {
    throw storeErrorStatus(error, info, info.name);
  }
}

function deleteObject(request: ResourceRequest): HandlerResult {
  const { info, store } = request;
  const current = requireObject(request);
  const deleted = isDryRun(request.query) ? current : deleteFromStore(store, info, current.metadata.name);
  return { status: 200, body: deletionResponse(info, deleted) };
}

function deleteCollection(request: ResourceRequest): HandlerResult {
  const { info, store } = request;
  if (info.resource === 'namespaces') throw methodNotSupported(qualified(info), 'deletecollection');
  const matches = listFilter(info, request.query);
  const targets = request.lists.list(info.resource, storeNamespace(info)).filter(matches);
  const items = isDryRun(request.query) ? targets : targets.map((object) => deleteFromStore(store, info, object.metadata.name));
  return {
    status: 200,
    body: { kind: `${info.resourceType.kind}List`, apiVersion: apiVersionOf(info.resourceType), metadata: { resourceVersion: store.resourceVersion }, items },
  };
}

function deleteFromStore(store: ObjectStore, info: ResourceRequestInfo, name: string): KubeObject {
  try {
    return store.delete(info.resource, storeNamespace(info), name);
  } catch (error) {
    throw storeErrorStatus(error, info, name);
  }
}

// Pods answer a delete with the object (the registry sets ReturnDeletedObject); other types with a Success Status.
function deletionResponse(info: ResourceRequestInfo, deleted: KubeObject): unknown {
  if (info.resource === 'pods') return deleted;
  const details: Record<string, string> = { name: deleted.metadata.name, kind: info.resource };
  if (info.group) details.group = info.group;
  if (deleted.metadata.uid) details.uid = deleted.metadata.uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

function requireObject(request: ResourceRequest): KubeObject {
  const { info, store } = request;
  const object = store.get(info.resource, storeNamespace(info), info.name);
  if (!object) throw notFound(qualified(info), info.name);
  return object;
}

function checkBodyKind(object: Record<string, unknown>, type: ResourceType): void {
  if (typeof object.kind === 'string' && object.kind !== '' && object.kind !== type.kind) {
    throw badRequest(`the API version in the data (${String(object.apiVersion ?? '')}) does not match the expected API version (${apiVersionOf(type)})`);
  }
  if (object.metadata !== undefined && (object.metadata === null || typeof object.metadata !== 'object')) {
    throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: metadata must be an object`);
  }
}

// Secret data decodes into []byte on the real server, so bad base64 fails the whole request with a 400.
function checkSecretData(secret: Record<string, unknown>): void {
  const data = secret.data;
  if (data === undefined || data === null) return;
  for (const value of Object.values(data as Record<string, unknown>)) {
    const text = String(value);
    const invalidAt = text.search(/[^A-Za-z0-9+/=]/);
    const badPadding = text.length % 4 !== 0 || /=[^=]/.test(text);
    if (invalidAt >= 0 || badPadding) {
      const position = invalidAt >= 0 ? invalidAt : Math.max(0, text.length - (text.length % 4 || 4));
      throw badRequest(`Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte ${position}`);
    }
  }
}

function admissionStatus(error: AdmissionError, info: ResourceRequestInfo, name: string): ApiError {
  const details: Record<string, string> = { kind: info.resource };
  if (name) details.name = name;
  if (info.group) details.group = info.group;
  return new ApiError(error.code, error.code === 403 ? 'Forbidden' : 'Invalid', error.message, details);
}

function storeErrorStatus(error: unknown, info: ResourceRequestInfo, name: string): unknown {
  if (!(error instanceof StoreError)) return error;
  switch (error.reason) {
    case 'NotFound':
      return notFound(qualified(info), name);
    case 'AlreadyExists':
      return alreadyExists(qualified(info), name);
    case 'Conflict':
      return conflict(qualified(info), name);
    case 'Gone':
      return new ApiError(410, 'Expired', error.message);
  }
}

function isDryRun(query: URLSearchParams): boolean {
  return query.getAll('dryRun').includes('All');
}

function objectKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'sim.k8s.io/v1', rv: token.resourceVersion, start: token.after })).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { v?: unknown; rv?: unknown; start?: unknown };
    if (decoded.v === 'sim.k8s.io/v1' && typeof decoded.rv === 'string' && typeof decoded.start === 'string') {
      return { resourceVersion: decoded.rv, after: decoded.start };
    }
  } catch {
    // Falls through to the same 400 as a token of the wrong shape.
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

// The apiserver's name generator: five characters from an alphabet without vowels or look-alikes.
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(): string {
  let suffix = '';
  for (let index = 0; index < 5; index += 1) suffix += SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)];
  return suffix;
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}
