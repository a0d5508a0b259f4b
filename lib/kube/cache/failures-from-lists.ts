import 'server-only';

import type { CoreV1Event, V1Node, V1Pod, V1Secret } from '@kubernetes/client-node';
import type { ApiWarning } from '../../api/types';
import { credentialProvidersFor } from '../credential-providers';
import { indexSecrets, type NamespaceCredentials } from '../credentials';
import { byLocation, failingPods, failureItems, missingSecretWarnings, type UnverifiedFailure } from '../failure-items';
import { byNamespaceAndCode } from '../failures';
import { forbiddenWarning, type NamespaceReads, type ReadTopic } from '../namespace-reads';
import { intermediateKinds, ownerIndex } from '../owners';
import type { CachedKind, ClusterLists } from './cluster-lists';
import { objectsIn } from './list-state';
import type { ItemCredentials } from '../verification/verify-items';

export interface FailuresAnswer {
  items: UnverifiedFailure[];
  warnings: ApiWarning[];
}

/**
 * The failures query answered from the cache, recomputing only the namespaces whose objects changed since the
 * last answer: the diagnosis of one namespace depends on that namespace's objects alone. `invalidate` is called
 * with each namespace a watch event changed; `invalidateAll` when the lists were replaced or permissions changed.
 */
export class IncrementalFailures {
  private readonly byNamespace = new Map<string, NamespaceAnswer>();
  private readonly dirty = new Set<string>();
  private everything = true;

  constructor(private readonly context: string) {}

  invalidate(namespace: string): void {
    this.dirty.add(namespace);
  }

  invalidateAll(): void {
    this.everything = true;
  }

  /**
   * A node changed: the namespaces whose answer read a node that is now another object (or gone) are made
   * again, and returned. The watch replaces a node's object on every change, so identity tells.
   */
  invalidateNodes(lists: ClusterLists): string[] {
    const nodes = cachedNodes(lists);
    const touched = [...this.byNamespace].filter(([, part]) => [...part.nodes].some(([name, held]) => nodes?.get(name) !== held)).map(([name]) => name);
    for (const name of touched) this.dirty.add(name);
    return touched;
  }

  answer(lists: ClusterLists, namespace: string | null): FailuresAnswer {
    this.forgetChanged();
    return this.joined(lists, namespace);
  }

  /**
   * The same answer, its namespaces computed a few milliseconds at a time with the event loop let go in between:
   * at 10,000 pods the kubelets' retries change nearly every namespace between two answers, and computing them in
   * one go held every request in flight for 50–80 ms. Each namespace is as the lists held it when it was computed.
   * One a watch event changes meanwhile stays marked, for the next answer: made again here, in one go, it held the
   * event loop for hundreds of milliseconds at 2,000 failing rows, where every namespace changes all the time.
   */
  async answerInSlices(lists: ClusterLists, namespace: string | null, sliceMs: number): Promise<FailuresAnswer> {
    this.forgetChanged();
    let sliceStarted = performance.now();
    for (const name of namesOf(lists, namespace)) {
      if (this.byNamespace.has(name)) continue;
      this.part(lists, name);
      if (performance.now() - sliceStarted < sliceMs) continue;
      await new Promise((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
    // Only a namespace that appeared meanwhile is computed here; the others have their part.
    return this.joined(lists, namespace);
  }

  /** The parts held for the query's namespaces, computing those missing, joined into one answer. */
  private joined(lists: ClusterLists, namespace: string | null): FailuresAnswer {
    return joinAnswers(
      namesOf(lists, namespace).map((name) => this.part(lists, name).answer),
      lists,
      namespace,
      this.context,
    );
  }

  private forgetChanged(): void {
    if (this.everything) {
      this.byNamespace.clear();
      this.everything = false;
      this.dirty.clear();
    }
    for (const name of this.dirty) this.byNamespace.delete(name);
    this.dirty.clear();
  }

  private part(lists: ClusterLists, name: string): NamespaceAnswer {
    let part = this.byNamespace.get(name);
    if (!part) {
      part = namespaceFailures(lists, name, this.context);
      this.byNamespace.set(name, part);
    }
    return part;
  }
}

function namesOf(lists: ClusterLists, namespace: string | null): string[] {
  return namespace === null ? [...lists.pods.byNamespace.keys()] : [namespace];
}

/** The whole answer computed from nothing: what the incremental answer must always equal. */
export function failuresFromLists(lists: ClusterLists, namespace: string | null, context: string): FailuresAnswer {
  return joinAnswers(namesOf(lists, namespace).map((name) => namespaceFailures(lists, name, context).answer), lists, namespace, context);
}

function joinAnswers(parts: FailuresAnswer[], lists: ClusterLists, namespace: string | null, context: string): FailuresAnswer {
  const warnings = parts.flatMap((part) => part.warnings);
  // The read path lists the missing-secret warnings across the query's scope once, before any namespace.
  if (lists.forbidden.has('events')) warnings.push(forbiddenWarning(context, namespace, 'missing-secret warnings'));
  return { items: parts.flatMap((part) => part.items).sort(byLocation), warnings: warnings.sort(byNamespaceAndCode) };
}

/** One namespace's answer, and the nodes its failing pods run on as they were read (for invalidateNodes). */
interface NamespaceAnswer {
  answer: FailuresAnswer;
  nodes: Map<string, V1Node | undefined>;
}

/** One namespace's failures, with the warnings the read path would give for it (only when something fails there). */
function namespaceFailures(lists: ClusterLists, namespace: string, context: string): NamespaceAnswer {
  const pods = objectsIn(lists.pods, namespace);
  const events = lists.forbidden.has('events') ? [] : objectsIn(lists.events, namespace);
  const warned = missingSecretWarnings(events);
  const failing = [...failingPods(pods, warned).keys()];
  if (failing.length === 0) return { answer: { items: [], warnings: [] }, nodes: new Map() };
  const warnings: ApiWarning[] = [];
  const reads = cachedNamespaceReads(lists, namespace, failing, warnings, context, events);
  const read = failing.flatMap((pod) => (pod.spec?.nodeName ? [pod.spec.nodeName] : []));
  return {
    answer: { items: failureItems(pods, warned, new Map([[namespace, reads]])), warnings },
    nodes: new Map(read.map((name) => [name, reads.nodes?.get(name)])),
  };
}

/**
 * What the read path's readNamespace gives, from the cache: the namespace's events, credentials and owners of
 * `pods`, with the same warnings for the kinds the user may not watch.
 */
export function cachedNamespaceReads(
  lists: ClusterLists,
  namespace: string,
  pods: V1Pod[],
  warnings: ApiWarning[],
  context: string,
  events: CoreV1Event[] = lists.forbidden.has('events') ? [] : objectsIn(lists.events, namespace),
): NamespaceReads {
  const readable = <T>(kind: CachedKind, topic: ReadTopic, read: () => T): T | null => {
    if (!lists.forbidden.has(kind)) return read();
    warnings.push(forbiddenWarning(context, namespace, topic));
    return null;
  };
  const kinds = intermediateKinds(pods);
  const secrets = readable('secrets', 'secrets', () => indexSecrets(objectsIn(lists.secrets, namespace)));
  const accounts = readable('serviceaccounts', 'service accounts', () => objectsIn(lists.serviceaccounts, namespace));
  const replicaSets = kinds.has('ReplicaSet') ? readable('replicasets', 'ReplicaSets', () => objectsIn(lists.replicasets, namespace)) : null;
  const jobs = kinds.has('Job') ? readable('jobs', 'Jobs', () => objectsIn(lists.jobs, namespace)) : null;
  return {
    events: readable('events', 'events', () => events),
    credentials: {
      secrets,
      serviceAccounts: accounts && new Map(accounts.map((account) => [account.metadata?.name ?? '', account])),
      providers: credentialProvidersFor(context),
    },
    owners: ownerIndex(replicaSets ?? [], jobs ?? []),
    nodes: cachedNodes(lists),
  };
}

/** The watched nodes by name (the informer's own map, no copy); null when the user may not list them. */
function cachedNodes(lists: ClusterLists): ReadonlyMap<string, V1Node> | null {
  return lists.forbidden.has('nodes') ? null : (lists.nodes.byNamespace.get('') ?? new Map());
}

/**
 * What verifying a cached item needs: its pod and its namespace's credentials; null when the pod is not cached.
 * Each namespace's credentials are indexed once per answer, not once per failing container.
 */
export function cachedItemCredentials(lists: ClusterLists): (item: UnverifiedFailure) => ItemCredentials | null {
  const indexed = new Map<string, NamespaceCredentials>();
  return (item) => {
    const pod = lists.pods.byNamespace.get(item.namespace)?.get(item.pod);
    if (!pod) return null;
    let credentials = indexed.get(item.namespace);
    if (!credentials) {
      credentials = cachedCredentials(lists, item.namespace);
      indexed.set(item.namespace, credentials);
    }
    return { pod, credentials };
  };
}

/** Every cached pull secret, for the credentials in reach in other namespaces; null when secrets are not watched. */
export function cachedSecretsElsewhere(lists: ClusterLists): V1Secret[] | null {
  return lists.forbidden.has('secrets') ? null : objectsIn(lists.secrets, null);
}

function cachedCredentials(lists: ClusterLists, namespace: string): NamespaceCredentials {
  const accounts = lists.forbidden.has('serviceaccounts') ? null : objectsIn(lists.serviceaccounts, namespace);
  return {
    secrets: lists.forbidden.has('secrets') ? null : indexSecrets(objectsIn(lists.secrets, namespace)),
    serviceAccounts: accounts && new Map(accounts.map((account) => [account.metadata?.name ?? '', account])),
  };
}
