import 'server-only';

import type { z } from 'zod';
import { ApiError } from './errors';
import { log } from '../log';
import { readBounded, tooLargeMessage } from '../security/bounded-body';
import { API_CACHE_CONTROL } from '../security/headers';

/**
 * The route handlers' one way out: the result as JSON, or the one error shape. Unexpected errors are logged by
 * name only (their messages may quote a response) and answered with a generic 500. Nothing is cached, and no
 * answer is compressed (see API_CACHE_CONTROL).
 */
export async function respond(work: () => Promise<unknown>): Promise<Response> {
  try {
    const result = await work();
    if (result instanceof JsonText) return new Response(result.stream(), { headers: { ...NO_STORE, 'Content-Type': 'application/json' } });
    return Response.json(result, { headers: NO_STORE });
  } catch (error) {
    if (error instanceof ApiError) return error.toResponse();
    log.error('unexpected error while answering an API request', { errorName: error instanceof Error ? error.name : typeof error });
    return new ApiError('cluster-error', 500, 'pullfix failed unexpectedly while answering; see the server log').toResponse();
  }
}

/**
 * An answer already serialized (shared by many requests): `respond` sends its body as it is, text or the bytes of
 * its UTF-8. Bytes go out as they are held, in one chunk of a stream: a Response made from bytes copies them, and
 * the server's compression copies again anything that is not a Buffer — close to a megabyte each per request.
 */
export class JsonText {
  constructor(readonly body: string | Buffer) {}

  stream(): string | ReadableStream<Uint8Array> {
    const { body } = this;
    if (typeof body === 'string') return body;
    return new ReadableStream({
      start(controller) {
        controller.enqueue(body);
        controller.close();
      },
    });
  }
}

/**
 * Reads and validates a JSON request body, counting bytes as they stream in (chunked bodies have no length to
 * check first): past the limit it stops reading and answers 413.
 */
export async function parseBody<Schema extends z.ZodType>(schema: Schema, request: Request): Promise<z.output<Schema>> {
  const body = await readBounded(request.body);
  if (body.kind === 'too-large') throw new ApiError('invalid-input', 413, tooLargeMessage(), 'RequestEntityTooLarge');
  return parseInput(schema, parseJson(new TextDecoder().decode(body.bytes)));
}

/** Validates route input; a failure becomes a 400 'invalid-input' naming the parameter and the rule. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new ApiError('invalid-input', 400, `${where}${issue?.message ?? 'invalid input'}`);
}

const NO_STORE = { 'Cache-Control': API_CACHE_CONTROL };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
