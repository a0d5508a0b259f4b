import { queryOptions } from '@tanstack/react-query';
import type { ImageFixRequest, ImageFixResponse, PodRegistryInfo, RegistryCheckCredential, RegistryCheckResponse } from '@/lib/api/types';
import { clusterKeys, getJson, postJson } from '@/lib/queries';

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

function podPath(context: string, namespace: string, pod: string): string {
  return `/api/contexts/${encodeURIComponent(context)}/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`;
}
