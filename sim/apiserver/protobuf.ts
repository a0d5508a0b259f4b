/**
 * Decodes the protobuf request bodies kubectl 1.32 sends on its typed-client paths (`create secret`,
 * `create serviceaccount|namespace`, `auth can-i`) into the JSON objects the rest of the server handles.
 *
 * The body is the `k8s\0` magic followed by a `runtime.Unknown` whose `raw` holds the object encoded per
 * k8s.io/api's generated.proto. Go writes empty strings, zero numbers and empty messages explicitly; JSON omits
 * them, so the decoder drops them too.
 */

export class ProtobufDecodeError extends Error {
  constructor(
    readonly unsupportedKind: boolean,
    message: string,
  ) {
    super(message);
    this.name = 'ProtobufDecodeError';
  }
}

export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export function decodeKubernetesProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < PROTOBUF_MAGIC.length || !body.subarray(0, PROTOBUF_MAGIC.length).equals(PROTOBUF_MAGIC)) {
    throw new ProtobufDecodeError(false, 'protobuf body does not start with the k8s\\0 envelope');
  }
  const unknown = decodeMessage(body.subarray(PROTOBUF_MAGIC.length), UNKNOWN);
  const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = typeMeta.apiVersion ?? '';
  const kind = typeMeta.kind ?? '';
  const schema = OBJECT_SCHEMAS[`${apiVersion}/${kind}`];
  if (!schema) throw new ProtobufDecodeError(true, `no protobuf schema for ${apiVersion}, Kind=${kind}`);
  const raw = unknown.raw instanceof Buffer ? unknown.raw : Buffer.alloc(0);
  return { apiVersion, kind, ...decodeMessage(raw, schema) };
}

type Scalar = 'string' | 'bytes' | 'int' | 'bool' | 'rawBytes' | 'time';

interface FieldSchema {
  name: string;
  type: Scalar | MessageSchema | MapSchema;
  repeated?: boolean;
}

interface MessageSchema {
  fields: Record<number, FieldSchema>;
}

interface MapSchema {
  map: 'string' | 'bytes';
}

const message = (fields: Record<number, FieldSchema>): MessageSchema => ({ fields });
const field = (name: string, type: FieldSchema['type'], repeated = false): FieldSchema => ({ name, type, repeated });

const TYPE_META = message({ 1: field('apiVersion', 'string'), 2: field('kind', 'string') });
const UNKNOWN = message({
  1: field('typeMeta', TYPE_META),
  2: field('raw', 'rawBytes'),
  3: field('contentEncoding', 'string'),
  4: field('contentType', 'string'),
});
const OWNER_REFERENCE = message({
  1: field('kind', 'string'),
  3: field('name', 'string'),
  4: field('uid', 'string'),
  5: field('apiVersion', 'string'),
  6: field('controller', 'bool'),
  7: field('blockOwnerDeletion', 'bool'),
});
const OBJECT_META = message({
  1: field('name', 'string'),
  2: field('generateName', 'string'),
  3: field('namespace', 'string'),
  4: field('selfLink', 'string'),
  5: field('uid', 'string'),
  6: field('resourceVersion', 'string'),
  7: field('generation', 'int'),
  8: field('creationTimestamp', 'time'),
  9: field('deletionTimestamp', 'time'),
  10: field('deletionGracePeriodSeconds', 'int'),
  11: field('labels', { map: 'string' }),
  12: field('annotations', { map: 'string' }),
  13: field('ownerReferences', OWNER_REFERENCE, true),
  14: field('finalizers', 'string', true),
});
const OBJECT_REFERENCE = message({
  1: field('kind', 'string'),
  2: field('namespace', 'string'),
  3: field('name', 'string'),
  4: field('uid', 'string'),
  5: field('apiVersion', 'string'),
  6: field('resourceVersion', 'string'),
  7: field('fieldPath', 'string'),
});
const LOCAL_OBJECT_REFERENCE = message({ 1: field('name', 'string') });
const RESOURCE_ATTRIBUTES = message({
  1: field('namespace', 'string'),
  2: field('verb', 'string'),
  3: field('group', 'string'),
  4: field('version', 'string'),
  5: field('resource', 'string'),
  6: field('subresource', 'string'),
  7: field('name', 'string'),
});
const NON_RESOURCE_ATTRIBUTES = message({ 1: field('path', 'string'), 2: field('verb', 'string') });
const ACCESS_REVIEW_STATUS = message({
  1: field('allowed', 'bool'),
  2: field('reason', 'string'),
  3: field('evaluationError', 'string'),
  4: field('denied', 'bool'),
});

const OBJECT_SCHEMAS: Record<string, MessageSchema> = {
  'v1/Secret': message({
    1: field('metadata', OBJECT_META),
    2: field('data', { map: 'bytes' }),
    3: field('type', 'string'),
    4: field('stringData', { map: 'string' }),
    5: field('immutable', 'bool'),
  }),
  'v1/ServiceAccount': message({
    1: field('metadata', OBJECT_META),
    2: field('secrets', OBJECT_REFERENCE, true),
    3: field('imagePullSecrets', LOCAL_OBJECT_REFERENCE, true),
    4: field('automountServiceAccountToken', 'bool'),
  }),
  'v1/Namespace': message({
    1: field('metadata', OBJECT_META),
    2: field('spec', message({ 1: field('finalizers', 'string', true) })),
    3: field('status', message({ 1: field('phase', 'string') })),
  }),
  'authorization.k8s.io/v1/SelfSubjectAccessReview': message({
    1: field('metadata', OBJECT_META),
    2: field('spec', message({ 1: field('resourceAttributes', RESOURCE_ATTRIBUTES), 2: field('nonResourceAttributes', NON_RESOURCE_ATTRIBUTES) })),
    3: field('status', ACCESS_REVIEW_STATUS),
  }),
};

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

function decodeMessage(bytes: Buffer, schema: MessageSchema): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const reader = new Reader(bytes);
  while (!reader.done()) {
    const key = reader.varint();
    const fieldNumber = Number(key >> 3n);
    const wireType = Number(key & 7n);
    const fieldSchema = schema.fields[fieldNumber];
    if (!fieldSchema) {
      reader.skip(wireType);
      continue;
    }
    const value = decodeField(reader, wireType, fieldSchema);
    if (isMapSchema(fieldSchema.type)) {
      const entry = value as [string, unknown];
      const map = (result[fieldSchema.name] ?? {}) as Record<string, unknown>;
      // A key such as "__proto__" must become an entry, not replace the map's prototype.
      Object.defineProperty(map, entry[0], { value: entry[1], enumerable: true, writable: true, configurable: true });
      result[fieldSchema.name] = map;
    } else if (fieldSchema.repeated) {
      const list = (result[fieldSchema.name] ?? []) as unknown[];
      list.push(value ?? (typeof fieldSchema.type === 'object' ? {} : ''));
      result[fieldSchema.name] = list;
    } else if (value !== undefined) {
      result[fieldSchema.name] = value;
    }
  }
  return result;
}

function decodeField(reader: Reader, wireType: number, fieldSchema: FieldSchema): unknown {
  const type = fieldSchema.type;
  if (type === 'int' || type === 'bool') {
    if (wireType !== WIRE_VARINT) throw new ProtobufDecodeError(false, `field ${fieldSchema.name}: expected a varint`);
    const value = BigInt.asIntN(64, reader.varint());
    if (type === 'bool') return value !== 0n ? true : undefined;
    return value !== 0n ? Number(value) : undefined;
  }
  if (wireType !== WIRE_LENGTH_DELIMITED) throw new ProtobufDecodeError(false, `field ${fieldSchema.name}: expected length-delimited bytes`);
  const bytes = reader.lengthDelimited();
  if (type === 'string') return bytes.length > 0 || fieldSchema.repeated ? bytes.toString('utf8') : undefined;
  if (type === 'rawBytes') return Buffer.from(bytes);
  if (type === 'bytes') return bytes.toString('base64');
  if (type === 'time') return decodeTime(bytes);
  if (isMapSchema(type)) return decodeMapEntry(bytes, type);
  const decoded = decodeMessage(bytes, type);
  return Object.keys(decoded).length > 0 || fieldSchema.repeated ? decoded : undefined;
}

function decodeMapEntry(bytes: Buffer, schema: MapSchema): [string, unknown] {
  const entry = decodeMessage(
    bytes,
    message({ 1: field('key', 'string'), 2: field('value', schema.map === 'bytes' ? 'bytes' : 'string') }),
  );
  return [String(entry.key ?? ''), entry.value ?? ''];
}

function decodeTime(bytes: Buffer): string | undefined {
  const time = decodeMessage(bytes, message({ 1: field('seconds', 'int'), 2: field('nanos', 'int') }));
  if (time.seconds === undefined) return undefined;
  return new Date(Number(time.seconds) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

function isMapSchema(type: FieldSchema['type']): type is MapSchema {
  return typeof type === 'object' && 'map' in type;
}

class Reader {
  private offset = 0;

  constructor(private readonly bytes: Buffer) {}

  done(): boolean {
    return this.offset >= this.bytes.length;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.bytes[this.offset];
      if (byte === undefined) throw new ProtobufDecodeError(false, 'truncated varint');
      this.offset += 1;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new ProtobufDecodeError(false, 'varint longer than 10 bytes');
  }

  lengthDelimited(): Buffer {
    const length = Number(this.varint());
    if (this.offset + length > this.bytes.length) throw new ProtobufDecodeError(false, 'length-delimited field runs past the end');
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  skip(wireType: number): void {
    if (wireType === WIRE_VARINT) this.varint();
    else if (wireType === WIRE_LENGTH_DELIMITED) this.lengthDelimited();
    else if (wireType === WIRE_FIXED64) this.advance(8);
    else if (wireType === WIRE_FIXED32) this.advance(4);
    else throw new ProtobufDecodeError(false, `unsupported wire type ${wireType}`);
  }

  private advance(count: number): void {
    if (this.offset + count > this.bytes.length) throw new ProtobufDecodeError(false, 'fixed-width field runs past the end');
    this.offset += count;
  }
}
