import 'server-only';

import type { z } from 'zod';
import { ApiError } from './errors';
import { log } from '../log';

/**
 * The route handlers' one way out: the result as JSON, or the one error shape. Unexpected errors are logged by
 * name only (their messages may quote a response) and answered with a generic 500.
 */
export async function respond(work: () => Promise<unknown>): Promise<Response> {
  try {
    return Response.json(await work(), { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    if (error instanceof ApiError) return error.toResponse();
    log.error('unexpected error while answering an API request', { errorName: error instanceof Error ? error.name : typeof error });
    return new ApiError('cluster-error', 500, 'pullfix failed unexpectedly while answering; see the server log').toResponse();
  }
}

/** Validates route input; a failure becomes a 400 'invalid-input' naming the parameter and the rule. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new ApiError('invalid-input', 400, `${where}${issue?.message ?? 'invalid input'}`);
}
