import { queryOptions } from '@tanstack/react-query';
import type { AnnotationFixRequest, FixRequest } from '../api/fix-request';
import type { FixUndo, FixUndoResponse } from '../api/fix-undo';
import type { FixFollow, FixOptions, FixProgress, FixResponse } from '../fix-plan';
import { getJson, postJson } from './fetch';
import { clusterKeys } from './keys';
import { apiPaths } from './paths';

/** The page polls a fix at this pace: a new pod's pull and start show within a couple of seconds. */
export const PROGRESS_INTERVAL_MS = 1_500;

export function fixOptionsQuery(context: string, namespace: string, pod: string, container: string) {
  return queryOptions({
    queryKey: clusterKeys.fixOptions(context, namespace, pod, container),
    queryFn: ({ signal }) => getJson<FixOptions>(apiPaths.fixOptions(context, namespace, pod, container), signal),
    staleTime: 10_000,
  });
}

export function fixProgressQuery(context: string, namespace: string, follow: FixFollow) {
  return queryOptions({
    queryKey: clusterKeys.fixProgress(context, namespace, follow),
    queryFn: ({ signal }) => getJson<FixProgress>(apiPaths.fixProgress(context, namespace, follow), signal),
    refetchInterval: (query) => (settled(query.state.data) ? false : PROGRESS_INTERVAL_MS),
  });
}

/** A new pod that runs, or one that shows a new verdict: nothing more to wait for. */
export function settled(progress: FixProgress | undefined): boolean {
  if (!progress) return false;
  return progress.failure !== null || progress.pods[0]?.phase === 'Running' || progress.pods[0]?.phase === 'Succeeded';
}

/** Takes back an applied fix from the record its apply answered. */
export function postFixUndo(context: string, namespace: string, undo: FixUndo): Promise<FixUndoResponse> {
  return postJson<FixUndoResponse>(apiPaths.fixUndo(context, namespace), undo);
}

/** The one mutation of the fix form; the body carries the password once. */
export function postFix(context: string, namespace: string, request: FixRequest): Promise<FixResponse> {
  return postJson<FixResponse>(apiPaths.fixes(context, namespace), request);
}

export function postAnnotationFix(context: string, namespace: string, request: AnnotationFixRequest): Promise<FixResponse> {
  return postJson(apiPaths.annotationFixes(context, namespace), request);
}
