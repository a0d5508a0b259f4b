import type { ApiErrorBody, ApiErrorCode } from '../api/types';

/**
 * The one JSON error shape, for code that cannot import the server-only error class (the proxy runs before
 * any route). Errors are never cached: `no-store`, whatever answered.
 */
export function errorResponse(code: ApiErrorCode, status: number, message: string, reason: string | null, headers: Record<string, string> = {}): Response {
  const body: ApiErrorBody = { error: { code, message, reason, status } };
  return Response.json(body, { status, headers: { ...headers, 'Cache-Control': 'no-store' } });
}
