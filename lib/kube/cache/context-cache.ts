import 'server-only';

import type { KubeClients } from '../config';
import type { ApiError } from '../../api/errors';
import { toApiError } from '../errors';
import type { RawList } from '../transport';
import { CACHED_KINDS, emptyClusterLists, type CachedKind, type ClusterLists } from './cluster-lists';
import { IncrementalFailures } from './failures-from-lists';
import { Informer, type InformerHealth } from './informer';
import type { CachedObject, CachedList } from './list-state';
import { trimEvent, trimJob, trimNode, trimPod, trimReplicaSet, trimSecret, trimServiceAccount } from './trim';

/**
 * How the context's answers are made: one watch per resource across the cluster; one per namespace when the
 * user may not watch cluster-wide; or, when it may not watch pods at all, a read per request as before.
 */
export type CacheMode = 'cluster-watch' | 'namespace-watch' | 'read-per-request';

export interface CacheHealth {
  context: string;
  mode: CacheMode;
  namespaces: string[] | null;
  kinds: Record<string, InformerHealth[]>;
}

/** What is watched for each cached kind; Secrets are watched once per pull-secret type (a field selector cannot OR). */
const SOURCES: Record<CachedKind, { group: string; resource: string; fieldSelectors: (string | undefined)[]; trim: (object: never) => CachedObject; clusterScoped?: true }> = {
  pods: { group: '/api/v1', resource: 'pods', fieldSelectors: [undefined], trim: trimPod },
  events: { group: '/api/v1', resource: 'events', fieldSelectors: ['involvedObject.kind=Pod'], trim: trimEvent },
  secrets: {
    group: '/api/v1',
    resource: 'secrets',
    fieldSelectors: ['type=kubernetes.io/dockerconfigjson', 'type=kubernetes.io/dockercfg'],
    trim: trimSecret,
  },
  serviceaccounts: { group: '/api/v1', resource: 'serviceaccounts', fieldSelectors: [undefined], trim: trimServiceAccount },
  replicasets: { group: '/apis/apps/v1', resource: 'replicasets', fieldSelectors: [undefined], trim: trimReplicaSet },
  jobs: { group: '/apis/batch/v1', resource: 'jobs', fieldSelectors: [undefined], trim: trimJob },
  // Watched across the cluster in either mode: nodes have no namespace. A 403 leaves the verdicts without node facts.
  nodes: { group: '/api/v1', resource: 'nodes', fieldSelectors: [undefined], trim: trimNode, clusterScoped: true },
};

export interface ContextCacheOptions {
  watchTimeoutSeconds?: number;
}

/**
 * One context's cluster state, fed by list+watch, shared by every request and every open page. `ready` settles
 * once every informer has listed or been refused, and the mode is known.
 */
export class ContextCache {
  readonly lists: ClusterLists = emptyClusterLists();
  readonly failures: IncrementalFailures;
  mode: CacheMode = 'cluster-watch';
  namespaces: string[] | null = null;
  readonly ready: Promise<void>;
  /** Whether `ready` has resolved: the lists hold what the API server held, and the mode is known. */
  isReady = false;
  /** Grows with every change of the lists: answers made at one version stay true until the next. */
  version = 0;
  private informers = new Map<CachedKind, Informer<CachedObject>[]>();
  private readonly listeners = new Set<(namespace: string | null) => void>();
  private stopped = false;
  private startingOver = false;

  constructor(
    readonly clients: KubeClients,
    private readonly options: ContextCacheOptions = {},
  ) {
    this.failures = new IncrementalFailures(clients.context);
    this.ready = this.start().then(() => {
      this.isReady = true;
    });
  }

  /** Called with the namespace whose state changed (null: anything may have). */
  subscribe(listener: (namespace: string | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.stopped = true;
    this.stopInformers();
  }

  /** The error since which pods have not been current (the API server is down or refuses): answers wait for it. */
  outage(): ApiError | null {
    for (const informer of this.informers.get('pods') ?? []) if (informer.outage) return informer.outage;
    return null;
  }

  health(): CacheHealth {
    const kinds: Record<string, InformerHealth[]> = {};
    for (const [kind, informers] of this.informers) kinds[kind] = informers.map((informer) => informer.health());
    return { context: this.clients.context, mode: this.mode, namespaces: this.namespaces, kinds };
  }

  /** Cluster-wide first; per namespace when pods cannot be watched cluster-wide; else reads per request. */
  private async start(): Promise<void> {
    if (await this.watchIn(null)) {
      this.mode = 'cluster-watch';
      return;
    }
    const namespaces = await this.visibleNamespaces();
    if (!this.stopped && namespaces.length > 0 && (await this.watchIn(namespaces))) {
      this.mode = 'namespace-watch';
      return;
    }
    this.mode = 'read-per-request';
  }

  /**
   * A right the informers had was revoked (a 403 after they synced): everything held is dropped and the cache
   * starts over as on first use, so its mode follows what the user may still do. Answers are read per request
   * until it has, and once more if starting over fails (the reads then say what went wrong).
   */
  private async startOver(): Promise<void> {
    if (this.startingOver || this.stopped) return;
    this.startingOver = true;
    this.mode = 'read-per-request';
    this.namespaces = null;
    this.stopInformers();
    for (const kind of CACHED_KINDS) (this.lists[kind] as CachedList<CachedObject>).byNamespace = new Map();
    this.failures.invalidateAll();
    this.notify(null);
    try {
      await this.start();
    } catch {
      this.mode = 'read-per-request';
      this.stopInformers();
    } finally {
      this.startingOver = false;
    }
    if (this.stopped) this.stopInformers();
    this.notify(null);
  }

  private stopInformers(): void {
    for (const informers of this.informers.values()) for (const informer of informers) informer.stop();
    this.informers.clear();
  }

  /** Starts every kind's informers in the scope; false (and nothing left running) when pods are refused. */
  private async watchIn(namespaces: string[] | null): Promise<boolean> {
    const scopes = namespaces ?? [null];
    for (const kind of CACHED_KINDS) {
      const source = SOURCES[kind];
      this.informers.set(
        kind,
        (source.clusterScoped ? [null] : scopes).flatMap((namespace) =>
          source.fieldSelectors.map((fieldSelector) =>
            new Informer({
              clients: this.clients,
              namespace,
              path: namespace === null ? `${source.group}/${source.resource}` : `${source.group}/namespaces/${encodeURIComponent(namespace)}/${source.resource}`,
              fieldSelector,
              trim: source.trim,
              watchTimeoutSeconds: this.options.watchTimeoutSeconds,
              onChange: (changed) => this.changed(kind, changed),
              onRevoked: () => void this.startOver(),
            }).start(),
          ),
        ),
      );
    }
    try {
      await Promise.all([...this.informers.values()].flat().map((informer) => informer.synced));
    } catch (error) {
      this.stop();
      throw error;
    }
    const refused = new Set((this.informers.get('pods') ?? []).filter((informer) => informer.refused).map((informer) => informer.namespace));
    if (refused.size === scopes.length) {
      this.stopInformers();
      return false;
    }
    // Per namespace, only the namespaces whose pods the user may watch are kept.
    for (const [kind, informers] of this.informers) {
      for (const informer of informers) if (refused.has(informer.namespace)) informer.stop();
      this.informers.set(kind, informers.filter((informer) => !refused.has(informer.namespace)));
    }
    if (namespaces) this.namespaces = namespaces.filter((namespace) => !refused.has(namespace));
    this.lists.forbidden = new Set(CACHED_KINDS.filter((kind) => this.informers.get(kind)?.some((informer) => informer.refused)));
    for (const kind of CACHED_KINDS) this.merge(kind, null);
    this.failures.invalidateAll();
    this.version += 1;
    return true;
  }

  /** The namespaces the user may list, else the context's own namespace. */
  private async visibleNamespaces(): Promise<string[]> {
    try {
      const list = await this.clients.transport.getJson<RawList<{ metadata?: { name?: string } }>>('/api/v1/namespaces');
      return list.items.map((namespace) => namespace.metadata?.name ?? '').filter(Boolean);
    } catch (error) {
      if (toApiError(error, this.clients).code !== 'forbidden') return [];
      return this.clients.namespace ? [this.clients.namespace] : [];
    }
  }

  private changed(kind: CachedKind, namespace: string | null): void {
    this.merge(kind, namespace);
    // A node's change matters only to the namespaces whose failing pods run there.
    if (kind === 'nodes' && namespace !== null) {
      for (const touched of this.failures.invalidateNodes(this.lists)) this.notify(touched);
      return;
    }
    if (namespace === null) this.failures.invalidateAll();
    else this.failures.invalidate(namespace);
    this.notify(namespace);
  }

  /** Every change of the lists moves the version on (shared answers are made again) and tells the listeners. */
  private notify(namespace: string | null): void {
    this.version += 1;
    for (const listener of this.listeners) listener(namespace);
  }

  /**
   * The merged view of a kind: the one cluster-wide informer's own list when there is one (no copy), else per
   * namespace the union of the informers' objects there (one per namespace, or one per secret type).
   */
  private merge(kind: CachedKind, namespace: string | null): void {
    const informers = this.informers.get(kind) ?? [];
    const merged = this.lists[kind] as CachedList<CachedObject>;
    const [only] = informers;
    if (informers.length === 1 && only) {
      merged.byNamespace = only.list.byNamespace;
      return;
    }
    const names = namespace === null ? new Set([...merged.byNamespace.keys(), ...informers.flatMap((informer) => [...informer.list.byNamespace.keys()])]) : [namespace];
    for (const name of names) {
      const maps = informers.flatMap((informer) => informer.list.byNamespace.get(name) ?? []);
      if (maps.length === 0) merged.byNamespace.delete(name);
      else merged.byNamespace.set(name, maps.length === 1 ? maps[0]! : new Map(maps.flatMap((map) => [...map])));
    }
  }
}
