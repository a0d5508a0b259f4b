import 'server-only';

import type { CoreV1Event, V1Job, V1Node, V1Pod, V1ReplicaSet, V1Secret, V1ServiceAccount } from '@kubernetes/client-node';
import { emptyList, type CachedList } from './list-state';

/** The resources one context's cache holds, each fed by its own list+watch. */
export type CachedKind = 'pods' | 'events' | 'secrets' | 'serviceaccounts' | 'replicasets' | 'jobs' | 'nodes';

export const CACHED_KINDS: readonly CachedKind[] = ['pods', 'events', 'secrets', 'serviceaccounts', 'replicasets', 'jobs', 'nodes'];

export interface ClusterLists {
  pods: CachedList<V1Pod>;
  /** Events about pods only (involvedObject.kind=Pod): the kubelet's pull errors and missing-secret warnings. */
  events: CachedList<CoreV1Event>;
  /** Pull-secret-typed Secrets only; no other Secret is ever cached. */
  secrets: CachedList<V1Secret>;
  serviceaccounts: CachedList<V1ServiceAccount>;
  replicasets: CachedList<V1ReplicaSet>;
  jobs: CachedList<V1Job>;
  /** Nodes (cluster-scoped, under namespace ''), trimmed to name, kubelet version and image names: KEP-2535's facts. */
  nodes: CachedList<V1Node>;
  /** Kinds the user may not list or watch: answers degrade as the read path degrades on a 403. */
  forbidden: ReadonlySet<CachedKind>;
}

export function emptyClusterLists(): ClusterLists {
  return {
    pods: emptyList(),
    events: emptyList(),
    secrets: emptyList(),
    serviceaccounts: emptyList(),
    replicasets: emptyList(),
    jobs: emptyList(),
    nodes: emptyList(),
    forbidden: new Set(),
  };
}
