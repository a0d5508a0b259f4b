import type { FixFollow } from '../fix-plan';

/**
 * Every query key of the UI, general to specific (TanStack Query's key factories). Each key starts with a root
 * naming what it holds and has a fixed length for its kind, so no name a person can give (a context called
 * "contexts", a pod called "registry") makes two different reads share a key.
 *
 * Under `['cluster', context]` sits everything a change to the cluster can change: a fix invalidates that
 * prefix. Registry answers (tags, platforms, tag-change previews) sit under their own roots, because a fix
 * does not change the registry and re-reading them once the pod is replaced would fail.
 */
export const clusterKeys = {
  /** The kubeconfig's contexts: not under 'cluster', where the next element is a context's name. */
  contexts: () => ['contexts'] as const,
  context: (context: string) => ['cluster', context] as const,
  /** `null` and '' both mean all namespaces, as the API reads them; no namespace is named ''. */
  failures: (context: string, namespace: string | null) => [...clusterKeys.context(context), 'failures', namespace ?? ''] as const,
  pod: (context: string, namespace: string, pod: string) => [...clusterKeys.context(context), 'pods', namespace, pod] as const,
  fixOptions: (context: string, namespace: string, pod: string, container: string) =>
    [...clusterKeys.context(context), 'fix-options', namespace, pod, container] as const,
  fixProgress: (context: string, namespace: string, follow: FixFollow) =>
    [...clusterKeys.context(context), 'fix-progress', namespace, follow.kind, follow.name, follow.after, follow.secret, follow.restartedAt] as const,
};

export const registryKeys = {
  pod: (context: string, namespace: string, pod: string, container: string) => ['registry', context, namespace, pod, container] as const,
  allowance: (context: string, namespace: string, pod: string, container: string) => ['registry-allowance', context, namespace, pod, container] as const,
  imageFixPreview: (context: string, namespace: string, pod: string, container: string, tag: string) =>
    ['image-fix-preview', context, namespace, pod, container, tag] as const,
};
