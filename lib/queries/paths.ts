import type { FixFollow } from '../fix-plan';

/** Every path of the HTTP API the UI calls (lib/kube/README.md), each name URL-encoded. */
export const apiPaths = {
  contexts: () => '/api/contexts',
  /** The failures in the page's form (lib/packed-failures.ts): each part that items share is sent once. */
  failures: (context: string, namespace: string | null) =>
    `${contextPath(context)}/failures?${new URLSearchParams({ ...(namespace ? { namespace } : {}), form: 'packed' })}`,
  /** The failures as server-sent events (lib/failures-stream.ts): the whole answer, then what changes. */
  failuresStream: (context: string, namespace: string | null) =>
    `${contextPath(context)}/failures/stream${namespace ? `?${new URLSearchParams({ namespace })}` : ''}`,
  pod: (context: string, namespace: string, pod: string) => `${namespacePath(context, namespace)}/pods/${encodeURIComponent(pod)}`,
  podRecheck: (context: string, namespace: string, pod: string) => `${apiPaths.pod(context, namespace, pod)}/recheck`,
  podRegistry: (context: string, namespace: string, pod: string, container: string) =>
    `${apiPaths.pod(context, namespace, pod)}/registry?${new URLSearchParams({ container })}`,
  podAllowance: (context: string, namespace: string, pod: string, container: string) =>
    `${apiPaths.pod(context, namespace, pod)}/registry/allowance?${new URLSearchParams({ container })}`,
  fixes: (context: string, namespace: string) => `${namespacePath(context, namespace)}/fixes`,
  fixOptions: (context: string, namespace: string, pod: string, container: string) =>
    `${apiPaths.fixes(context, namespace)}/options?${new URLSearchParams({ pod, container })}`,
  fixProgress: (context: string, namespace: string, follow: FixFollow) => {
    const search = new URLSearchParams({ kind: follow.kind, name: follow.name, after: follow.after });
    if (follow.secret) search.set('secret', follow.secret);
    if (follow.restartedAt) search.set('restartedAt', follow.restartedAt);
    if (follow.image) {
      search.set('container', follow.image.container);
      search.set('image', follow.image.image);
    }
    return `${apiPaths.fixes(context, namespace)}/progress?${search}`;
  },
  incidentFixes: (context: string) => `${contextPath(context)}/incident-fixes`,
  fixUndo: (context: string, namespace: string) => `${apiPaths.fixes(context, namespace)}/undo`,
  imageFixes: (context: string, namespace: string) => `${namespacePath(context, namespace)}/image-fixes`,
  annotationFixes: (context: string, namespace: string) => `${namespacePath(context, namespace)}/annotation-fixes`,
  registryCheck: () => '/api/registry/check',
};

function contextPath(context: string): string {
  return `/api/contexts/${encodeURIComponent(context)}`;
}

function namespacePath(context: string, namespace: string): string {
  return `${contextPath(context)}/namespaces/${encodeURIComponent(namespace)}`;
}
