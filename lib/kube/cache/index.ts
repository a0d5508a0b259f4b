import 'server-only';

import type { FailuresResponse, LiveState } from '../../api/types';
import { packFailures, type FailuresForm } from '../../packed-failures';
import { clientsFor } from '../config';
import { listPullFailures, VERIFY_WAIT_MS } from '../failures';
import { verifyItems } from '../verification/verify-items';
import { cachedItemCredentials, cachedSecretsElsewhere } from './failures-from-lists';
import type { ClusterLists } from './cluster-lists';
import { collectDroppedCache, collectWhenQuiet } from './collection';
import { ContextCache, type CacheHealth, type ContextCacheOptions } from './context-cache';
import { FailuresFeed } from './failures-feed';
import { SharedAnswers } from './shared-answers';

export interface Clock {
  now(): number;
}

/** A context's cache is dropped this long after its last use (PULLFIX_CACHE_IDLE_MS), its watches closed. */
const DEFAULT_IDLE_MS = 10 * 60_000;
const SWEEP_INTERVAL_MS = 30_000;
/** A shared answer is made again after this long even when the cache did not change: its verifications ripen. */
const SHARED_ANSWER_MS = 2_000;
/**
 * A request takes an answer begun less than this long ago from an older version of the cache rather than start its
 * own. At 10,000 pods the kubelets' retries move the version on many times a second, so this bounds the
 * computations (and the megabyte of JSON each makes) to one a second however many clients ask. An open page hears
 * of a change on its stream at once; this answer serves first loads and the fallback's polls (every 5 s). At one
 * second, a burst of ten clients at a freshly started server met a computation of its own half the time: their
 * p99 was 609 ms (median of six starts) against 476 ms at two.
 */
const SHARED_STALE_MS = 2_000;
/** How long an answer's computation holds the event loop at a time: requests in flight are served in between. */
const ANSWER_SLICE_MS = 8;

/**
 * A failures answer with its JSON bodies as UTF-8, each made once, when first asked for, and sent as is to every
 * request that shares the answer: at 10,000 pods the whole form is close to a megabyte and the packed one a fifth of
 * that, and the stream's feed, which uses the answer alone, never pays for either.
 */
export class SharedFailures {
  private whole: Buffer | null = null;
  private packed: Buffer | null = null;

  constructor(readonly answer: FailuresResponse) {}

  json(form: FailuresForm): Buffer {
    if (form === 'packed') return (this.packed ??= Buffer.from(packedAnswerJson(this.answer)));
    return (this.whole ??= Buffer.from(JSON.stringify(this.answer)));
  }
}

const packedAnswers = new WeakMap<FailuresResponse, string>();

/**
 * The answer packed and serialized, once per answer: a page that opens asks for the answer and opens the stream,
 * whose snapshot is the same answer (the feed reads it through `failures`), so both send these characters.
 */
export function packedAnswerJson(answer: FailuresResponse): string {
  let json = packedAnswers.get(answer);
  if (json === undefined) {
    json = JSON.stringify(packFailures(answer));
    packedAnswers.set(answer, json);
  }
  return json;
}

/**
 * The caches of the contexts in use, one each: started on first use, dropped when idle, replaced when the
 * kubeconfig changed (new clients mean new credentials). On the read-per-request fallback, identical queries
 * in flight at once share one read.
 */
export class CacheRegistry {
  private readonly caches = new Map<string, { cache: ContextCache; lastUsed: number }>();
  private readonly inFlight = new Map<string, Promise<FailuresResponse>>();
  private readonly feeds = new Map<string, FailuresFeed>();
  /** Keyed by context (the identity every request on it acts as) and namespace filter, versioned by the cache. */
  readonly shared: SharedAnswers<SharedFailures>;

  constructor(
    private readonly clock: Clock,
    private readonly idleMs: number,
    private readonly options: ContextCacheOptions = {},
  ) {
    this.shared = new SharedAnswers(clock, SHARED_ANSWER_MS);
  }

  /** The context's cache, started now if it was not running; throws ApiError 'unknown-context'. */
  cacheFor(context: string): ContextCache {
    const clients = clientsFor(context);
    const held = this.caches.get(context);
    if (held && held.cache.clients === clients) {
      held.lastUsed = this.clock.now();
      return held.cache;
    }
    held?.cache.stop();
    if (held) this.shared.forget(contextKey(context));
    const cache = new ContextCache(clients, this.options);
    this.caches.set(context, { cache, lastUsed: this.clock.now() });
    return cache;
  }

  /**
   * The failures query from the cache as it is now, or read for this request when the cache cannot watch: what a
   * feed diffs after a change, so never an answer begun before it.
   */
  async failures(context: string, namespace: string | null): Promise<FailuresResponse> {
    return (await this.sharedFailures(context, namespace, 0)).answer;
  }

  /**
   * The failures query with its JSON: from the cache, computed and serialized once per version of the cache (or
   * joined while being computed from a version at most `staleMs` old) and shared by every request for the same
   * context and namespace filter; on the read-per-request fallback, shared by the identical requests in flight.
   */
  async sharedFailures(context: string, namespace: string | null, staleMs = SHARED_STALE_MS): Promise<SharedFailures> {
    const cache = await this.readyCache(context);
    const live = liveState(cache);
    if (cache.mode === 'read-per-request') return new SharedFailures({ ...(await this.coalesced(context, namespace)), live });
    // The page keeps what it last showed and says the refresh failed, as it does when a read fails.
    const outage = cache.outage();
    if (outage) throw outage;
    const key = `${contextKey(context)}${namespace ?? ''}`;
    const compute = async (): Promise<SharedFailures> => {
      const answer = await cache.failures.answerInSlices(cache.lists, namespace, ANSWER_SLICE_MS);
      const items = await verifyItems(
        answer.items,
        cachedItemCredentials(cache.lists),
        async () => cachedSecretsElsewhere(cache.lists),
        { waitMs: VERIFY_WAIT_MS },
      );
      return new SharedFailures({ items, warnings: answer.warnings, fetchedAt: new Date(this.clock.now()).toISOString(), live });
    };
    return this.shared.get(key, cache.version, compute, staleMs);
  }

  /**
   * The lists of the context's running cache when they can stand in for reads of `namespace`: listed, current
   * (no outage) and watching that namespace. Null otherwise, and the caller reads; this never starts a cache.
   */
  syncedLists(context: string, namespace: string): ClusterLists | null {
    const held = this.caches.get(context);
    if (!held || held.cache.clients !== clientsFor(context)) return null;
    const { cache } = held;
    if (!cache.isReady || cache.mode === 'read-per-request' || cache.outage()) return null;
    if (cache.mode === 'namespace-watch' && !cache.namespaces?.includes(namespace)) return null;
    held.lastUsed = this.clock.now();
    return cache.lists;
  }

  /** The one feed of a (context, namespace filter) that every open stream on it listens to. */
  feed(context: string, namespace: string | null): FailuresFeed {
    const key = `${context}\u0000${namespace ?? ''}`;
    let feed = this.feeds.get(key);
    if (!feed) {
      const created = new FailuresFeed(this, context, namespace, () => {
        if (this.feeds.get(key) === created) this.feeds.delete(key);
      });
      this.feeds.set(key, created);
      feed = created;
    }
    return feed;
  }

  /** The context's cache once it has listed; a cache whose first list failed is dropped, so the next use retries. */
  private async readyCache(context: string): Promise<ContextCache> {
    const cache = this.cacheFor(context);
    try {
      await cache.ready;
    } catch (error) {
      if (this.caches.get(context)?.cache === cache) this.caches.delete(context);
      throw error;
    }
    return cache;
  }

  /** Drops the caches not used for the idle period; how many it dropped. */
  sweep(): number {
    const now = this.clock.now();
    let dropped = 0;
    for (const [context, held] of this.caches) {
      if (now - held.lastUsed < this.idleMs) continue;
      held.cache.stop();
      this.caches.delete(context);
      this.shared.forget(contextKey(context));
      dropped += 1;
    }
    return dropped;
  }

  health(): CacheHealth[] {
    return [...this.caches.values()].map((held) => held.cache.health());
  }

  stopAll(): void {
    for (const held of this.caches.values()) held.cache.stop();
    this.caches.clear();
    this.shared.forget('');
  }

  private coalesced(context: string, namespace: string | null): Promise<FailuresResponse> {
    const key = `${context}\u0000${namespace ?? ''}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = listPullFailures(context, namespace).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }
}

function contextKey(context: string): string {
  return `${context}\u0000`;
}

export function liveState(cache: ContextCache): LiveState {
  const who = `the user of context "${cache.clients.context}"`;
  switch (cache.mode) {
    case 'cluster-watch':
      return { mode: cache.mode, notice: null };
    case 'namespace-watch':
      return {
        mode: cache.mode,
        notice: `${who} may not watch pods across namespaces: watching ${cache.namespaces?.join(', ')} one by one, so pods elsewhere are not shown`,
      };
    case 'read-per-request':
      return { mode: cache.mode, notice: `${who} may not watch pods, so the cluster is read again on every refresh instead of updated live` };
  }
}

/** Kept on globalThis: the production build may load this module once per route bundle, and all share one registry. */
const SHARED = Symbol.for('pullfix.cacheRegistry');

/**
 * The server's one registry, with its idle sweep on a timer that does not keep the process alive, and the collection
 * that gives back what a spell of work left once the server is quiet.
 */
export function cacheRegistry(): CacheRegistry {
  const holder = globalThis as { [SHARED]?: CacheRegistry };
  if (!holder[SHARED]) {
    const configured = Number(process.env.PULLFIX_CACHE_IDLE_MS);
    const idleMs = Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_IDLE_MS;
    const registry = new CacheRegistry({ now: () => Date.now() }, idleMs);
    // A short idle period (the benchmark's) is swept as often, so a cache goes within twice the period.
    setInterval(() => {
      if (registry.sweep() > 0) collectDroppedCache();
    }, Math.min(SWEEP_INTERVAL_MS, idleMs)).unref();
    collectWhenQuiet();
    holder[SHARED] = registry;
  }
  return holder[SHARED];
}
