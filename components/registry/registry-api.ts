import { queryOptions } from '@tanstack/react-query';
import { apiErrorFrom, ApiRequestError } from '@/lib/api/errors';
import type { ImageFixRequest, ImageFixResponse, PodRegistryInfo, RegistryCheckCredential, RegistryCheckResponse } from '@/lib/api/types';
import { clusterKeys, getJson } from '@/lib/queries';
import { csrfHeaders } from '@/lib/security/csrf-client';

export const registryKeys = {
  pod: (context: string, namespace: string, pod: string, container: string) =>
    [...clusterKeys.pod(context, namespace, pod), 'registry', container] as const,
};

/** Tags and platforms change rarely and each read costs registry calls: fetched once per view, not polled. */
export function podRegistryQuery(context: string, namespace: string, pod: string, container: string) {
  const path = `${podPath(context, namespace, pod)}/registry?${new URLSearchParams({ container })}`;
  return queryOptions({
    queryKey: registryKeys.pod(context, namespace, pod, container),
    queryFn: ({ signal }) => getJson<PodRegistryInfo>(path, signal),
    staleTime: 60_000,
    retry: false,
  });
}

export interface RegistryCheckInput {
  context: string;
  image: string;
  credential: RegistryCheckCredential;
  pod?: { namespace: string; name: string };
}

export function postRegistryCheck(input: RegistryCheckInput): Promise<RegistryCheckResponse> {
  return postJson('/api/registry/check', input);
}

export function postImageFix(context: string, namespace: string, request: ImageFixRequest): Promise<ImageFixResponse> {
  return postJson(`/api/contexts/${encodeURIComponent(context)}/namespaces/${encodeURIComponent(namespace)}/image-fixes`, request);
}

/** POST with a JSON body and the CSRF header, as every route that acts or carries a password expects. */
async function postJson<T>(path: string, body: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...csrfHeaders() },
      body: JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiRequestError({ code: 'unreachable', message: 'the pullfix server did not answer: is it still running?', reason: null, status: 0 });
  }
  if (!response.ok) throw await apiErrorFrom(response);
  return (await response.json()) as T;
}

function podPath(context: string, namespace: string, pod: string): string {
  return `/api/contexts/${encodeURIComponent(context)}/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`;
}
