/**
 * Request bodies are read with a bound while they stream in (design §6): a chunked body has no Content-Length
 * to check first, so the count happens chunk by chunk and reading stops one byte past the limit.
 */
export const MAX_BODY_BYTES = 64 * 1024;

export type BoundedBody = { kind: 'body'; bytes: Uint8Array } | { kind: 'too-large' };

export async function readBounded(body: ReadableStream<Uint8Array> | null, limit = MAX_BODY_BYTES): Promise<BoundedBody> {
  if (body === null) return { kind: 'body', bytes: new Uint8Array(0) };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.byteLength;
      if (length > limit) {
        await reader.cancel().catch(() => undefined);
        return { kind: 'too-large' };
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { kind: 'body', bytes };
}

/** Whether a body over the limit is announced up front, so it can be refused without reading a byte. */
export function declaresTooLarge(contentLength: string | null, limit = MAX_BODY_BYTES): boolean {
  const length = Number(contentLength ?? 0);
  return Number.isFinite(length) && length > limit;
}

export function tooLargeMessage(limit = MAX_BODY_BYTES): string {
  return `the request body is larger than ${limit} bytes`;
}
