import { queryOptions } from '@tanstack/react-query';
import type { FixFollow, FixOptions, FixProgress, FixRequest, FixResponse } from '@/lib/fix-plan';
import { clusterKeys, getJson, postJson } from '@/lib/queries';

/** The page polls a fix at this pace: a new pod's pull and start show within a couple of seconds. */
export const PROGRESS_INTERVAL_MS = 1_500;

export const fixKeys = {
  options: (context: string, namespace: string, pod: string, container: string) =>
    [...clusterKeys.pod(context, namespace, pod), 'fix-options', container] as const,
  progress: (context: string, namespace: string, follow: FixFollow) =>
    [...clusterKeys.context(context), 'fix-progress', namespace, follow.kind, follow.name, follow.after, follow.secret, follow.restartedAt] as const,
};

export function fixOptionsQuery(context: string, namespace: string, pod: string, container: string) {
  const search = new URLSearchParams({ pod, container });
  return queryOptions({
    queryKey: fixKeys.options(context, namespace, pod, container),
    queryFn: ({ signal }) => getJson<FixOptions>(`${fixesPath(context, namespace)}/options?${search}`, signal),
    staleTime: 10_000,
  });
}

export function fixProgressQuery(context: string, namespace: string, follow: FixFollow) {
  const search = new URLSearchParams({ kind: follow.kind, name: follow.name, after: follow.after, secret: follow.secret });
  if (follow.restartedAt) search.set('restartedAt', follow.restartedAt);
  return queryOptions({
    queryKey: fixKeys.progress(context, namespace, follow),
    queryFn: ({ signal }) => getJson<FixProgress>(`${fixesPath(context, namespace)}/progress?${search}`, signal),
    refetchInterval: (query) => (settled(query.state.data) ? false : PROGRESS_INTERVAL_MS),
  });
}

/** A new pod that runs, or one that shows a new verdict: nothing more to wait for. */
export function settled(progress: FixProgress | undefined): boolean {
  if (!progress) return false;
  return progress.failure !== null || progress.pods[0]?.phase === 'Running' || progress.pods[0]?.phase === 'Succeeded';
}

/** The one mutation of this form; the body carries the password once. */
export function postFix(context: string, namespace: string, request: FixRequest): Promise<FixResponse> {
  return postJson<FixResponse>(fixesPath(context, namespace), request);
}

function fixesPath(context: string, namespace: string): string {
  return `/api/contexts/${encodeURIComponent(context)}/namespaces/${encodeURIComponent(namespace)}/fixes`;
}
