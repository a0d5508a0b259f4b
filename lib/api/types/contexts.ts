/**
 * GET /api/contexts: the kubeconfig contexts.
 * Part of the API's JSON types (gathered in index.ts): types only, nothing server-side.
 */

export interface ContextsResponse {
  contexts: ContextSummary[];
}

export interface ContextSummary {
  /** The kubeconfig context name ('in-cluster' when running with the pod's service account). */
  name: string;
  cluster: string;
  user: string;
  /** The context's default namespace, or null when it sets none. */
  namespace: string | null;
  /** True for the kubeconfig's current-context. */
  current: boolean;
  /** The API server URL of the context's cluster, or null when the cluster entry is missing. */
  server: string | null;
}
