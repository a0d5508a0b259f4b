/**
 * The three PATCH flavours the API server accepts: strategic merge (kubectl's default), JSON merge patch
 * (RFC 7386) and JSON patch (RFC 6902). Strategic merge needs to know, per kind, which lists merge by which
 * key; the tables below carry those facts from k8s.io/api's `patchStrategy`/`patchMergeKey` tags.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export class PatchError extends Error {
  constructor(
    /** 400: the patch itself cannot be read; 422: it is well-formed but does not apply to this object. */
    readonly code: 400 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'PatchError';
  }
}

/** How a field merges under a strategic merge patch: `mergeKey` for keyed lists, `fields` for what lies below. */
export interface MergeSchema {
  mergeKey?: string;
  fields?: Record<string, MergeSchema>;
}

export function applyStrategicMergePatch<T>(original: T, patch: unknown, kind: string): T {
  if (!isObject(patch)) throw new PatchError(400, 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}');
  return strategicMergeMap(original as unknown as JsonObject, patch, KIND_SCHEMAS[kind] ?? {}) as unknown as T;
}

export function applyMergePatch<T>(original: T, patch: unknown): T {
  return mergePatchValue(original as unknown as Json, patch as Json) as unknown as T;
}

export interface JsonPatchOperation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

/** Applies an RFC 6902 patch. A body that is not an array is rejected as the Go decoder rejects it. */
export function applyJsonPatch<T>(original: T, patch: unknown): T {
  if (!Array.isArray(patch)) {
    const found = isObject(patch) ? 'object' : patch === null ? 'null' : typeof patch;
    throw new PatchError(400, `error decoding patch: json: cannot unmarshal ${found} into Go value of type []handlers.jsonPatchOp`);
  }
  let document = structuredClone(original) as unknown as Json;
  for (const operation of patch as JsonPatchOperation[]) document = applyJsonPatchOperation(document, operation);
  return document as unknown as T;
}

const containerSchema: MergeSchema = {
  fields: {
    env: { mergeKey: 'name' },
    ports: { mergeKey: 'containerPort' },
    volumeMounts: { mergeKey: 'mountPath' },
    volumeDevices: { mergeKey: 'devicePath' },
  },
};

const podSpecSchema: MergeSchema = {
  fields: {
    containers: { mergeKey: 'name', ...containerSchema },
    initContainers: { mergeKey: 'name', ...containerSchema },
    ephemeralContainers: { mergeKey: 'name', ...containerSchema },
    imagePullSecrets: { mergeKey: 'name' },
    volumes: { mergeKey: 'name' },
    hostAliases: { mergeKey: 'ip' },
    topologySpreadConstraints: { mergeKey: 'topologyKey' },
    resourceClaims: { mergeKey: 'name' },
    schedulingGates: { mergeKey: 'name' },
  },
};

const metadataSchema: MergeSchema = { fields: { ownerReferences: { mergeKey: 'uid' } } };
const conditionsByType: MergeSchema = { mergeKey: 'type' };
const podTemplateSchema: MergeSchema = { fields: { metadata: metadataSchema, spec: podSpecSchema } };
const workloadSchema = (extraSpec: Record<string, MergeSchema> = {}): MergeSchema => ({
  fields: {
    metadata: metadataSchema,
    spec: { fields: { template: podTemplateSchema, ...extraSpec } },
    status: { fields: { conditions: conditionsByType } },
  },
});

const KIND_SCHEMAS: Record<string, MergeSchema> = {
  Pod: {
    fields: {
      metadata: metadataSchema,
      spec: podSpecSchema,
      status: {
        fields: {
          conditions: conditionsByType,
          podIPs: { mergeKey: 'ip' },
          hostIPs: { mergeKey: 'ip' },
        },
      },
    },
  },
  Deployment: workloadSchema(),
  ReplicaSet: workloadSchema(),
  DaemonSet: workloadSchema(),
  StatefulSet: workloadSchema(),
  Job: workloadSchema(),
  CronJob: {
    fields: {
      metadata: metadataSchema,
      spec: { fields: { jobTemplate: { fields: { metadata: metadataSchema, spec: { fields: { template: podTemplateSchema } } } } } },
    },
  },
  // imagePullSecrets is `listType=atomic` here, unlike in PodSpec: a patch replaces the whole list.
  ServiceAccount: { fields: { metadata: metadataSchema, secrets: { mergeKey: 'name' } } },
  Node: { fields: { metadata: metadataSchema, status: { fields: { conditions: conditionsByType, addresses: { mergeKey: 'type' } } } } },
  Namespace: { fields: { metadata: metadataSchema, status: { fields: { conditions: conditionsByType } } } },
  Secret: { fields: { metadata: metadataSchema } },
  Event: { fields: { metadata: metadataSchema } },
};

const DIRECTIVE = '$patch';
const SET_ELEMENT_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';
const RETAIN_KEYS = '$retainKeys';

function strategicMergeMap(original: Json | undefined, patch: JsonObject, schema: MergeSchema): Json | undefined {
  const directive = patch[DIRECTIVE];
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return withoutDirectives(patch);
  if (directive !== undefined) throw new PatchError(422, `Unknown patch type: ${String(directive)}`);

  const result: JsonObject = isObject(original) ? { ...original } : {};
  const orders: [string, Json][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(SET_ELEMENT_ORDER)) {
      orders.push([key.slice(SET_ELEMENT_ORDER.length), value]);
      continue;
    }
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      const field = key.slice(DELETE_FROM_PRIMITIVE_LIST.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) result[field] = current.filter((item) => !value.includes(item));
      continue;
    }
    if (key === RETAIN_KEYS) continue;
    const childSchema = schema.fields?.[key] ?? {};
    if (value === null) {
      delete result[key];
    } else if (isObject(value)) {
      const merged = strategicMergeMap(result[key], value, childSchema);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value) && childSchema.mergeKey) {
      result[key] = strategicMergeList(result[key], value, childSchema);
    } else {
      result[key] = Array.isArray(value) ? value.filter((item) => !isDirectiveOnly(item)) : value;
    }
  }
  for (const [field, order] of orders) {
    const list = result[field];
    const mergeKey = schema.fields?.[field]?.mergeKey;
    if (Array.isArray(list) && Array.isArray(order)) result[field] = applyElementOrder(list, order, mergeKey);
  }
  const retain = patch[RETAIN_KEYS];
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

function strategicMergeList(original: Json | undefined, patch: Json[], schema: MergeSchema): Json[] {
  const mergeKey = schema.mergeKey!;
  const isReplaceDirective = (item: Json) => isDirectiveOnly(item) && (item as JsonObject)[DIRECTIVE] === 'replace';
  if (patch.some(isReplaceDirective)) {
    return patch.filter((item) => !isReplaceDirective(item)).map((item) => (isObject(item) ? withoutDirectives(item) : item));
  }
  const result: Json[] = Array.isArray(original) ? [...original] : [];
  for (const item of patch) {
    if (!isObject(item)) {
      result.push(item);
      continue;
    }
    const key = item[mergeKey];
    if (key === undefined) throw new PatchError(422, `map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    const index = result.findIndex((existing) => isObject(existing) && existing[mergeKey] === key);
    if (item[DIRECTIVE] === 'delete') {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    if (index >= 0) {
      const merged = strategicMergeMap(result[index], item, schema);
      if (merged === undefined) result.splice(index, 1);
      else result[index] = merged;
    } else {
      result.push(strategicMergeMap(undefined, item, schema) ?? {});
    }
  }
  return result;
}

// Elements named in `$setElementOrder` come first in that order; elements only the server knows keep their place after them.
function applyElementOrder(list: Json[], order: Json[], mergeKey: string | undefined): Json[] {
  const identity = (item: Json): Json => (mergeKey && isObject(item) ? (item[mergeKey] ?? null) : item);
  const orderIdentities = order.map((entry) => (mergeKey && isObject(entry) ? (entry[mergeKey] ?? null) : entry));
  const rank = (item: Json) => {
    const position = orderIdentities.findIndex((candidate) => candidate === identity(item));
    return position < 0 ? orderIdentities.length : position;
  };
  return list
    .map((item, index) => ({ item, index }))
    .sort((a, b) => rank(a.item) - rank(b.item) || a.index - b.index)
    .map(({ item }) => item);
}

function withoutDirectives(value: JsonObject): JsonObject {
  const copy: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === DIRECTIVE || key === RETAIN_KEYS || key.startsWith(SET_ELEMENT_ORDER) || key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) continue;
    copy[key] = child;
  }
  return copy;
}

function isDirectiveOnly(item: Json): boolean {
  return isObject(item) && Object.keys(item).length === 1 && DIRECTIVE in item;
}

function mergePatchValue(original: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: JsonObject = isObject(original) ? { ...original } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatchValue(result[key], value);
  }
  return result;
}

function applyJsonPatchOperation(document: Json, operation: JsonPatchOperation): Json {
  if (!isObject(operation as unknown as Json) || typeof operation.op !== 'string') {
    throw new PatchError(422, 'Unexpected kind: <nil>');
  }
  const path = operation.path;
  switch (operation.op) {
    case 'add':
      requireValue(operation);
      return addAt(document, pointer(path, 'add'), structuredClone(operation.value) as Json, 'add');
    case 'remove':
      return removeAt(document, pointer(path, 'remove'), 'remove').document;
    case 'replace': {
      requireValue(operation);
      const segments = pointer(path, 'replace');
      const removed = removeAt(document, segments, 'replace').document;
      return addAt(removed, segments, structuredClone(operation.value) as Json, 'replace');
    }
    case 'move': {
      const from = pointer(operation.from, 'move');
      const { document: without, value } = removeAt(document, from, 'move');
      return addAt(without, pointer(path, 'move'), value, 'move');
    }
    case 'copy': {
      const value = valueAt(document, pointer(operation.from, 'copy'), 'copy');
      return addAt(document, pointer(path, 'copy'), structuredClone(value), 'copy');
    }
    case 'test': {
      const value = valueAt(document, pointer(path, 'test'), 'test');
      if (!deepEqual(value, operation.value as Json)) throw new PatchError(422, `testing value ${path} failed: test failed`);
      return document;
    }
    default:
      throw new PatchError(422, `Unexpected kind: ${operation.op}`);
  }
}

function requireValue(operation: JsonPatchOperation): void {
  if (!('value' in operation)) throw new PatchError(422, `${operation.op} operation, missing value field: missing value`);
}

function pointer(path: string | undefined, op: string): string[] {
  if (path === undefined) throw new PatchError(422, `${op} operation failed to decode path: missing value`);
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(422, `${op} operation does not apply: doc is missing path: "${path}": missing value`);
  return path
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function missingPath(op: string, segments: string[]): PatchError {
  const path = segments.map((segment) => `/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  return new PatchError(422, `${op} operation does not apply: doc is missing path: "${path}": missing value`);
}

function parentOf(document: Json, segments: string[], op: string): Json {
  let current = document;
  for (const segment of segments.slice(0, -1)) {
    if (Array.isArray(current)) {
      const index = arrayIndex(segment, current.length - 1);
      if (index === null) throw missingPath(op, segments);
      current = current[index]!;
    } else if (isObject(current) && segment in current) {
      current = current[segment]!;
    } else {
      throw missingPath(op, segments);
    }
  }
  return current;
}

function addAt(document: Json, segments: string[], value: Json, op: string): Json {
  if (segments.length === 0) return value;
  const root = structuredClone(document);
  const parent = parentOf(root, segments, op);
  const last = segments[segments.length - 1]!;
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : arrayIndex(last, parent.length);
    if (index === null) throw missingPath(op, segments);
    parent.splice(index, 0, value);
  } else if (isObject(parent)) {
    parent[last] = value;
  } else {
    throw missingPath(op, segments);
  }
  return root;
}

function removeAt(document: Json, segments: string[], op: string): { document: Json; value: Json } {
  if (segments.length === 0) throw missingPath(op, segments);
  const root = structuredClone(document);
  const parent = parentOf(root, segments, op);
  const last = segments[segments.length - 1]!;
  if (Array.isArray(parent)) {
    const index = arrayIndex(last, parent.length - 1);
    if (index === null) throw missingPath(op, segments);
    const [value] = parent.splice(index, 1);
    return { document: root, value: value ?? null };
  }
  if (isObject(parent) && last in parent) {
    const value = parent[last]!;
    delete parent[last];
    return { document: root, value };
  }
  throw missingPath(op, segments);
}

function valueAt(document: Json, segments: string[], op: string): Json {
  if (segments.length === 0) return document;
  const parent = parentOf(document, segments, op);
  const last = segments[segments.length - 1]!;
  if (Array.isArray(parent)) {
    const index = arrayIndex(last, parent.length - 1);
    if (index === null) throw missingPath(op, segments);
    return parent[index]!;
  }
  if (isObject(parent) && last in parent) return parent[last]!;
  throw missingPath(op, segments);
}

function arrayIndex(segment: string, max: number): number | null {
  if (!/^(0|[1-9]\d*)$/.test(segment)) return null;
  const index = Number(segment);
  return index <= max ? index : null;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && deepEqual(a[key], b[key]));
  }
  return false;
}
