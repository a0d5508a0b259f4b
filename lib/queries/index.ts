/**
 * The UI's one path to data: a key factory from general to specific, one fetcher per read, and one
 * `queryOptions` per data type. Every failure arrives as an ApiError with the server's message.
 */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { apiErrorFrom, ApiError } from '../api/errors';
import type { ContextsResponse, FailuresResponse, PodDiagnosis } from '../api/types';
import { csrfHeaders } from '../security/csrf-client';

/** Overview and detail poll at this pace: an on-call engineer watches a fix land without reloading. */
export const REFRESH_INTERVAL_MS = 5_000;

export const clusterKeys = {
  all: ['cluster'] as const,
  contexts: () => [...clusterKeys.all, 'contexts'] as const,
  context: (context: string) => [...clusterKeys.all, context] as const,
  failures: (context: string, namespace: string | null) => [...clusterKeys.context(context), 'failures', namespace ?? ''] as const,
  pod: (context: string, namespace: string, pod: string) => [...clusterKeys.context(context), 'pods', namespace, pod] as const,
};

export function contextsQuery() {
  return queryOptions({
    queryKey: clusterKeys.contexts(),
    queryFn: ({ signal }) => getJson<ContextsResponse>('/api/contexts', signal),
    staleTime: 30_000,
  });
}

export function failuresQuery(context: string, namespace: string | null) {
  const search = namespace ? `?${new URLSearchParams({ namespace })}` : '';
  return queryOptions({
    queryKey: clusterKeys.failures(context, namespace),
    queryFn: ({ signal }) => getJson<FailuresResponse>(`${contextPath(context)}/failures${search}`, signal),
    refetchInterval: REFRESH_INTERVAL_MS,
    placeholderData: keepPreviousData,
  });
}

export function podDiagnosisQuery(context: string, namespace: string, pod: string) {
  return queryOptions({
    queryKey: clusterKeys.pod(context, namespace, pod),
    queryFn: ({ signal }) =>
      getJson<PodDiagnosis>(
        `${contextPath(context)}/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`,
        signal,
      ),
    refetchInterval: REFRESH_INTERVAL_MS,
    placeholderData: keepPreviousData,
  });
}

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

function contextPath(context: string): string {
  return `/api/contexts/${encodeURIComponent(context)}`;
}
