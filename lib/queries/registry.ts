import { queryOptions } from '@tanstack/react-query';
import type { ImageFixRequest, ImageFixResponse, PodRegistryInfo, RateLimitInfo, RegistryCheckCredential, RegistryCheckResponse } from '../api/types';
import { getJson, postJson } from './fetch';
import { registryKeys } from './keys';
import { apiPaths } from './paths';

/** Tags and platforms change rarely and each read costs registry calls: fetched once per view, not polled. */
export function podRegistryQuery(context: string, namespace: string, pod: string, container: string) {
  return queryOptions({
    queryKey: registryKeys.pod(context, namespace, pod, container),
    queryFn: ({ signal }) => getJson<PodRegistryInfo>(apiPaths.podRegistry(context, namespace, pod, container), signal),
    staleTime: 60_000,
    retry: false,
  });
}

/** The pull allowance (one HEAD, no pull), shared by the verdict card and the registry panel: read once a minute at most. */
export function podAllowanceQuery(context: string, namespace: string, pod: string, container: string) {
  return queryOptions({
    queryKey: registryKeys.allowance(context, namespace, pod, container),
    queryFn: ({ signal }) => getJson<RateLimitInfo>(apiPaths.podAllowance(context, namespace, pod, container), signal),
    staleTime: 60_000,
    retry: false,
  });
}

/** A preview is a dry run with side effects on nobody: run once per chosen tag, not on every focus. */
export function imageFixPreviewQuery(context: string, namespace: string, request: Omit<ImageFixRequest, 'mode'>) {
  return queryOptions({
    queryKey: registryKeys.imageFixPreview(context, namespace, request.pod, request.container, request.tag),
    queryFn: () => postImageFix(context, namespace, { ...request, mode: 'preview' }),
    staleTime: Infinity,
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
  return postJson(apiPaths.registryCheck(), input);
}

export function postImageFix(context: string, namespace: string, request: ImageFixRequest): Promise<ImageFixResponse> {
  return postJson(apiPaths.imageFixes(context, namespace), request);
}

/** "Test again": one candidate credential of a container tested past the cache; the answer names the secret, no password. */
export function postRecheck(
  context: string,
  namespace: string,
  pod: string,
  body: { container: string; secretNamespace: string; secret: string },
): Promise<{ namespace: string; secret: string; result: string; message: string; checkedAt: string }> {
  return postJson(apiPaths.podRecheck(context, namespace, pod), body);
}
