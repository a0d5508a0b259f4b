import type { ApiError, ApiErrorBody, ApiErrorCode } from './types';

/**
 * The API's error rebuilt on the client from the JSON error shape, so pages can branch on `code` and show
 * `message` as the server wrote it. No server imports: the UI's fetchers use it.
 */
export class ApiRequestError extends Error implements ApiError {
  readonly code: ApiErrorCode;
  readonly reason: string | null;
  readonly status: number;

  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ApiRequestError';
    this.code = error.code;
    this.reason = error.reason;
    this.status = error.status;
  }
}

/** Reads a non-2xx response into an ApiRequestError, whatever its body (a proxy's HTML page included). */
export async function apiErrorFrom(response: Response): Promise<ApiRequestError> {
  const body: unknown = await response.json().catch(() => null);
  if (isApiErrorBody(body)) return new ApiRequestError(body.error);
  return new ApiRequestError({
    code: response.status >= 500 ? 'cluster-error' : 'invalid-input',
    message: `the pullfix server answered ${response.status} ${response.statusText}`.trim(),
    reason: null,
    status: response.status,
  });
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
