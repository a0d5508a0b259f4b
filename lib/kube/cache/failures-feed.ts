import 'server-only';

import { randomUUID } from 'node:crypto';
import type { ApiError } from '../../api/errors';
import type { FailuresResponse } from '../../api/types';
import { diffAnswers, type FailuresStreamMessage } from '../../failures-stream';
import type { CacheRegistry } from './index';
import type { ContextCache } from './context-cache';

/** What a stream sends: a message of the failures answer, an outage (the cluster cannot be read) or its end. */
export type FeedEvent =
  | { id: string; message: FailuresStreamMessage }
  | { id: null; outage: { code: string; message: string } | null };

export type FeedListener = (event: FeedEvent) => void;

/** How many messages a feed keeps for a reconnect to resume from; an older Last-Event-ID gets a snapshot. */
const HISTORY = 64;
/** Changes closer together than this are sent as one message: a rollout changes many pods at once. */
const BATCH_MS = 50;
/**
 * After a recomputation the feed rests this many times as long as it took before the next. Where thousands of
 * failing pods retry, changes never stop: a feed recomputing back to back held a core (0.6 s an answer at 2,000
 * failing rows) and every request the server had in flight waited on it, a page's HTML up to a second. At most
 * REST_MAX_MS: a recomputation that waited on a registry's answer took long without working.
 */
const REST_FACTOR = 2;
const REST_MAX_MS = 1_000;
/** How often the feed checks for an outage, and reads again when the context cannot be watched. */
export const FEED_TICK_MS = 5_000;
/** A feed outlives its last stream this long, so a page that reconnects at once resumes rather than starts over. */
const IDLE_GRACE_MS = 30_000;

/**
 * One (context, namespace filter)'s answers for every stream open on it: computed once per change of the
 * cache, however many pages listen, and kept as a short history of numbered messages so a reconnect with its
 * Last-Event-ID resumes where it left off. Ids are `<feed>-<n>`: a feed started after a server restart has a
 * new prefix, so a stale id gets the whole state again.
 */
export class FailuresFeed {
  private readonly prefix = randomUUID().slice(0, 8);
  private sequence = 0;
  private history: { sequence: number; message: FailuresStreamMessage }[] = [];
  private last: FailuresResponse | null = null;
  private outage: ApiError | null = null;
  private readonly listeners = new Set<FeedListener>();
  private cache: ContextCache | null = null;
  private unsubscribe: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pending: Promise<void> | null = null;
  private again = false;
  /** A change came while no stream listened: not computed then, but before the next stream attaches. */
  private behind = false;
  private batch: NodeJS.Timeout | null = null;
  /** performance.now() before which the next recomputation waits: REST_FACTOR times the last one. */
  private restUntil = 0;
  private idle: NodeJS.Timeout | null = null;

  constructor(
    private readonly registry: CacheRegistry,
    readonly context: string,
    readonly namespace: string | null,
    private readonly onIdle: () => void,
  ) {}

  /**
   * Sends the listener what it lacks (the messages after `lastEventId`, else a snapshot), then every change.
   * Throws the ApiError of a first read that failed; returns the function that detaches the listener.
   *
   * A feed that fell behind while no stream listened sends what it holds at once and its catch-up as the next
   * message: a page loading thousands of rows shows them without waiting for a recomputation (about 0.1 s of work
   * at 2,000 failing rows, stretched by whatever else the server does), and what it holds is at most the idle grace old.
   */
  async attach(listener: FeedListener, lastEventId: string | null): Promise<() => void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    // A reloaded kubeconfig replaces the context's cache (new credentials, perhaps another identity): a page must
    // not be shown, even until the catch-up, what the old credentials could read.
    if (this.last && this.currentCache() !== this.cache) this.forget();
    if (!this.last) await this.refresh();
    if (!this.last) {
      if (this.listeners.size === 0) this.close();
      throw this.outage;
    }
    const missed = this.missedSince(lastEventId);
    if (missed) for (const entry of missed) listener({ id: this.idOf(entry.sequence), message: entry.message });
    else listener({ id: this.idOf(this.sequence), message: { type: 'snapshot', answer: this.last } });
    if (this.outage) listener({ id: null, outage: { code: this.outage.code, message: this.outage.message } });
    this.listeners.add(listener);
    // Changes that came while no stream listened, or while the first answer above was being computed.
    if (this.behind) this.scheduleRefresh();
    this.timer ??= setInterval(() => this.tick(), FEED_TICK_MS).unref();
    return () => this.detach(listener);
  }

  private detach(listener: FeedListener): void {
    this.listeners.delete(listener);
    if (this.listeners.size > 0) return;
    this.idle = setTimeout(() => this.close(), IDLE_GRACE_MS).unref();
  }

  private close(): void {
    if (this.listeners.size > 0) return;
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.cache = null;
    if (this.timer) clearInterval(this.timer);
    if (this.batch) clearTimeout(this.batch);
    this.timer = null;
    this.batch = null;
    this.onIdle();
  }

  /** The context's cache now, started if it was not running; null when the context is gone from the kubeconfig. */
  private currentCache(): ContextCache | null {
    try {
      return this.registry.cacheFor(this.context);
    } catch {
      return null;
    }
  }

  /** Drops what the feed holds: the next stream gets a snapshot made now, or the error that stops one. */
  private forget(): void {
    this.last = null;
    this.history = [];
    this.outage = null;
  }

  /** The messages after the listener's last one, when this feed still holds them all; null otherwise. */
  private missedSince(lastEventId: string | null): { sequence: number; message: FailuresStreamMessage }[] | null {
    const match = /^([0-9a-f]{8})-(\d+)$/.exec(lastEventId ?? '');
    if (!match || match[1] !== this.prefix) return null;
    const seen = Number(match[2]);
    if (seen > this.sequence) return null;
    const missed = this.history.filter((entry) => entry.sequence > seen);
    const oldest = this.history[0]?.sequence ?? this.sequence + 1;
    return seen + 1 >= oldest || seen === this.sequence ? missed : null;
  }

  private idOf(sequence: number): string {
    return `${this.prefix}-${sequence}`;
  }

  /**
   * Keeps the cache in use while pages listen, follows a replaced cache (a changed kubeconfig), reports an outage
   * as it starts, and reads again when the context cannot be watched.
   */
  private tick(): void {
    const cache = this.currentCache();
    if (!cache) return;
    const outage = cache.outage();
    if (cache !== this.cache || cache.mode === 'read-per-request' || outage?.message !== this.outage?.message) this.scheduleRefresh();
  }

  /** In its idle grace a feed computes nothing for nobody; it catches up when a stream attaches. */
  private scheduleRefresh(): void {
    if (this.listeners.size === 0) {
      this.behind = true;
      return;
    }
    this.batch ??= setTimeout(
      () => {
        this.batch = null;
        // The page that asked for its first screen and left before its stream came.
        if (this.listeners.size === 0) this.behind = true;
        else void this.refresh();
      },
      Math.max(BATCH_MS, this.restUntil - performance.now()),
    );
  }

  /** One recomputation at a time; a change during one asks for another after it. */
  private refresh(): Promise<void> {
    this.behind = false;
    if (this.pending) {
      this.again = true;
      return this.pending;
    }
    const started = performance.now();
    this.pending = this.recompute().finally(() => {
      const ended = performance.now();
      this.restUntil = ended + Math.min(REST_MAX_MS, REST_FACTOR * (ended - started));
      this.pending = null;
      if (this.again) {
        this.again = false;
        this.scheduleRefresh();
      }
    });
    return this.pending;
  }

  private async recompute(): Promise<void> {
    let answer: FailuresResponse;
    try {
      answer = await this.registry.failures(this.context, this.namespace);
      this.follow(this.registry.cacheFor(this.context));
    } catch (error) {
      const outage = error as ApiError;
      const changed = outage.message !== this.outage?.message;
      this.outage = outage;
      if (changed) this.emit({ id: null, outage: { code: outage.code, message: outage.message } });
      return;
    }
    if (this.outage) {
      this.outage = null;
      this.emit({ id: null, outage: null });
    }
    const message: FailuresStreamMessage | null = this.last ? diffAnswers(this.last, answer) : { type: 'snapshot', answer };
    this.last = answer;
    if (!message) return;
    this.sequence += 1;
    this.history.push({ sequence: this.sequence, message });
    if (this.history.length > HISTORY) this.history.shift();
    this.emit({ id: this.idOf(this.sequence), message });
  }

  /** Listens to the cache the answer came from, once. */
  private follow(cache: ContextCache): void {
    if (cache === this.cache) return;
    this.unsubscribe?.();
    this.cache = cache;
    this.unsubscribe = cache.subscribe((namespace) => {
      if (namespace === null || this.namespace === null || namespace === this.namespace) this.scheduleRefresh();
    });
  }

  private emit(event: FeedEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
