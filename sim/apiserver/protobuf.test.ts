import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROTOBUF_MAGIC, ProtobufDecodeError, decodeKubernetesProtobuf } from './protobuf';

const vectors = JSON.parse(readFileSync(join(__dirname, 'fixtures/protobuf-requests.json'), 'utf8')) as {
  cases: { name: string; hex: string; expected: Record<string, unknown>; source: string }[];
};

describe('decodeKubernetesProtobuf', () => {
  it.each(vectors.cases)('decodes the captured body of $name', ({ hex, expected }) => {
    expect(decodeKubernetesProtobuf(Buffer.from(hex, 'hex'))).toEqual(expected);
  });

  it('refuses a body without the k8s envelope', () => {
    expect(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Secret"}'))).toThrow(ProtobufDecodeError);
  });

  it('reports a kind it has no schema for as unsupported', () => {
    const body = envelope('v1', 'ConfigMap', Buffer.alloc(0));
    expect(() => decodeKubernetesProtobuf(body)).toThrow(expect.objectContaining({ unsupportedKind: true }));
  });

  it('reports truncated bodies as decode errors', () => {
    const full = Buffer.from(vectors.cases[0]!.hex, 'hex');
    for (let length = PROTOBUF_MAGIC.length + 1; length < full.length; length += 7) {
      try {
        decodeKubernetesProtobuf(full.subarray(0, length));
      } catch (error) {
        expect(error).toBeInstanceOf(ProtobufDecodeError);
      }
    }
  });

  it('keeps a map key named __proto__ as an entry', () => {
    const secret = message([[1, message([[1, 's'], [11, message([[1, '__proto__'], [2, 'x']])]])], [3, 'Opaque']]);
    const decoded = decodeKubernetesProtobuf(envelope('v1', 'Secret', secret)) as { metadata: { labels: Record<string, string> } };
    expect(Object.keys(decoded.metadata.labels)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(decoded.metadata.labels)).toBe(Object.prototype);
  });

  it('decodes the ServiceAccount and Namespace kubectl create sends', () => {
    const account = message([
      [1, message([[1, 'builder'], [3, 'ci']])],
      [3, message([[1, 'regcred']])],
      [3, message([[1, 'other']])],
      [4, 1],
    ]);
    expect(decodeKubernetesProtobuf(envelope('v1', 'ServiceAccount', account))).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'builder', namespace: 'ci' },
      imagePullSecrets: [{ name: 'regcred' }, { name: 'other' }],
      automountServiceAccountToken: true,
    });
    const namespace = message([[1, message([[1, 'team-b'], [11, message([[1, 'env'], [2, 'prod']])], [8, message([[1, 1_700_000_000]])]])], [2, message([])]]);
    expect(decodeKubernetesProtobuf(envelope('v1', 'Namespace', namespace))).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-b', labels: { env: 'prod' }, creationTimestamp: '2023-11-14T22:13:20Z' },
    });
  });

  const key = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/);

  it('round-trips any Secret written with the generated.proto field numbers', () => {
    fc.assert(
      fc.property(
        key,
        fc.dictionary(key, fc.uint8Array({ maxLength: 64 })),
        fc.dictionary(key, fc.string()),
        fc.constantFrom('Opaque', 'kubernetes.io/dockerconfigjson'),
        (name, data, labels, type) => {
          const fields: Field[] = [[1, message([[1, name], [3, 'default'], ...Object.entries(labels).map(([k, v]): Field => [11, message([[1, k], [2, v]])])])]];
          for (const [entryKey, bytes] of Object.entries(data)) fields.push([2, message([[1, entryKey], [2, Buffer.from(bytes)]])]);
          fields.push([3, type]);
          const decoded = decodeKubernetesProtobuf(envelope('v1', 'Secret', message(fields)));
          const expectedMeta: Record<string, unknown> = { name, namespace: 'default' };
          if (Object.keys(labels).length > 0) expectedMeta.labels = { ...labels };
          const expected: Record<string, unknown> = { apiVersion: 'v1', kind: 'Secret', metadata: expectedMeta, type };
          if (Object.keys(data).length > 0) {
            expected.data = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
          }
          expect(decoded).toEqual(expected);
        },
      ),
    );
  });

  it('never fails with anything but a ProtobufDecodeError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeKubernetesProtobuf(Buffer.concat([PROTOBUF_MAGIC, Buffer.from(bytes)]));
        } catch (error) {
          expect(error).toBeInstanceOf(ProtobufDecodeError);
        }
      }),
    );
  });
});

type Field = [number, string | number | Buffer];

// A minimal protobuf writer for building inputs: strings, bytes and nested messages are length-delimited, numbers varints.
function message(fields: Field[]): Buffer {
  return Buffer.concat(
    fields.map(([number, value]) => {
      if (typeof value === 'number') return Buffer.concat([varint((number << 3) | 0), varint(value)]);
      const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
      return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
    }),
  );
}

function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  return Buffer.concat([PROTOBUF_MAGIC, message([[1, message([[1, apiVersion], [2, kind]])], [2, raw], [3, ''], [4, '']])]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let remaining = value;
  while (remaining >= 0x80) {
    bytes.push((remaining % 0x80) | 0x80);
    remaining = Math.floor(remaining / 0x80);
  }
  bytes.push(remaining);
  return Buffer.from(bytes);
}
