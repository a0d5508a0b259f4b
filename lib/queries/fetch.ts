import { apiErrorFrom, ApiError } from '../api/errors';
import { csrfHeaders } from '../security/csrf-client';

/** The one read: a refused connection or an error body both become an ApiError a page can show. */
export function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return requestJson<T>(path, { headers: { accept: 'application/json' }, cache: 'no-store', signal });
}

/** The one mutation: POST with a JSON body and the CSRF header, as every route that acts or carries a password expects. */
export function postJson<T>(path: string, body: unknown): Promise<T> {
  return requestJson<T>(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...csrfHeaders() },
    body: JSON.stringify(body),
    cache: 'no-store',
  });
}

async function requestJson<T>(path: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ApiError('unreachable', 0, 'the pullfix server did not answer: is it still running?');
  }
  if (!response.ok) throw await apiErrorFrom(response);
  return (await response.json()) as T;
}
