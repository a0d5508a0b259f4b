/**
 * The UI's one path to data: a key factory from general to specific (`keys.ts`), every API path (`paths.ts`),
 * one fetcher per direction (`fetch.ts`), and one `queryOptions` per data type. Every failure arrives as an
 * ApiError with the server's message.
 */
import { keepPreviousData, queryOptions, type QueryClient } from '@tanstack/react-query';
import type { ContextsResponse, FailuresResponse, PodDiagnosis } from '../api/types';
import { unpackFailures, type PackedFailures } from '../packed-failures';
import { getJson } from './fetch';
import { clusterKeys } from './keys';
import { apiPaths } from './paths';
import { shareUnchangedRows } from './share-rows';

export { getJson, postJson } from './fetch';
export { clusterKeys, registryKeys } from './keys';
export { apiPaths } from './paths';

/** Overview and detail poll at this pace: an on-call engineer watches a fix land without reloading. */
export const REFRESH_INTERVAL_MS = 5_000;

export function contextsQuery() {
  return queryOptions({
    queryKey: clusterKeys.contexts(),
    queryFn: ({ signal }) => getJson<ContextsResponse>(apiPaths.contexts(), signal),
    staleTime: 30_000,
  });
}

export function failuresQuery(context: string, namespace: string | null) {
  return queryOptions({
    queryKey: clusterKeys.failures(context, namespace),
    queryFn: async ({ signal }) => unpackFailures(await getJson<PackedFailures>(apiPaths.failures(context, namespace), signal)),
    refetchInterval: REFRESH_INTERVAL_MS,
    placeholderData: keepPreviousData,
    structuralSharing: (held, next) => shareUnchangedRows(held as FailuresResponse | undefined, next as FailuresResponse),
  });
}

export function podDiagnosisQuery(context: string, namespace: string, pod: string) {
  return queryOptions({
    queryKey: clusterKeys.pod(context, namespace, pod),
    queryFn: ({ signal }) => getJson<PodDiagnosis>(apiPaths.pod(context, namespace, pod), signal),
    refetchInterval: REFRESH_INTERVAL_MS,
    placeholderData: keepPreviousData,
  });
}

/**
 * What a mutation of the cluster calls in `onSettled` (success or failure, as TanStack's examples do): every
 * read of the context may have changed. Registry reads are under other roots and stay.
 */
export function invalidateContext(queryClient: QueryClient, context: string): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: clusterKeys.context(context) });
}
