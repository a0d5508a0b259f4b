import type { ApiErrorBody, ApiErrorCode, ApiErrorJson } from './types';

const API_ERROR_BRAND = Symbol.for('pullfix.ApiError');

/**
 * The one error type of pullfix, on both sides of the wire (vercel/ai-chatbot's shape): the server throws it
 * and answers with `toResponse()`; the UI's fetchers rebuild it from the response with `apiErrorFrom`, so pages
 * can branch on `code` and show `message` as the server wrote it. The message is written for the person at the
 * screen and never carries a dependency's own message or anything from the credentials.
 *
 * No server imports, so the proxy, route handlers and client code can all use it.
 */
export class ApiError extends Error implements ApiErrorJson {
  /**
   * The production build loads this module once per route and page bundle, each with its own class, while the
   * live cache on globalThis is shared by all of them: an error one bundle's cache code throws reaches another
   * bundle's `respond`. So an ApiError is known by a brand every copy shares, not by which copy made it.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== ApiError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [API_ERROR_BRAND]?: unknown })[API_ERROR_BRAND] === true;
  }

  readonly [API_ERROR_BRAND] = true;

  constructor(
    readonly code: ApiErrorCode,
    readonly status: number,
    message: string,
    /** The Kubernetes Status reason ('Forbidden', 'NotFound', …) or null when there is none. */
    readonly reason: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static fromJson(json: ApiErrorJson): ApiError {
    return new ApiError(json.code, json.status, json.message, json.reason);
  }

  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, reason: this.reason, status: this.status } };
  }

  /** The one error shape as an HTTP answer; `headers` add to `Cache-Control: no-store`. */
  toResponse(headers: Record<string, string> = {}): Response {
    return Response.json(this.toBody(), { status: this.status, headers: { 'Cache-Control': 'no-store', ...headers } });
  }
}

/** Reads a non-2xx response into an ApiError, whatever its body (a proxy's HTML page included). */
export async function apiErrorFrom(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  if (isApiErrorBody(body)) return ApiError.fromJson(body.error);
  return new ApiError(
    response.status >= 500 ? 'cluster-error' : 'invalid-input',
    response.status,
    `the pullfix server answered ${response.status} ${response.statusText}`.trim(),
  );
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, reason, status } = error as Record<string, unknown>;
  return (
    typeof code === 'string' &&
    typeof message === 'string' &&
    (reason === null || typeof reason === 'string') &&
    typeof status === 'number'
  );
}
