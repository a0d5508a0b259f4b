import 'server-only';

import type { KubeClients } from '../config';
import type { ApiError } from '../../api/errors';
import { toApiError } from '../errors';
import type { RawList } from '../transport';
import { applyWatchEvent, listFrom, type CachedList, type CachedObject, type WatchEvent } from './list-state';

/** Where one informer stands: listing, watching, refused (403), or retrying after an error. */
export type InformerState = 'syncing' | 'synced' | 'forbidden' | 'retrying';

export interface InformerHealth {
  state: InformerState;
  /** Watches started again after the first (a server timeout, a dropped connection, a 410). */
  watchRestarts: number;
  relists: number;
  objects: number;
  lastError: string | null;
}

export interface InformerOptions<T extends CachedObject> {
  clients: KubeClients;
  /** The namespace watched, or null across the cluster. */
  namespace: string | null;
  /** The collection path, e.g. /api/v1/pods or /apis/apps/v1/namespaces/shop/replicasets. */
  path: string;
  fieldSelector?: string;
  trim: (object: never) => T;
  /** A namespace's objects changed (watch event), or every object may have (null: a relist replaced the list). */
  onChange: (namespace: string | null) => void;
  /** Called once when a list or watch is refused (403) after the first watch was accepted: a right was revoked. */
  onRevoked?: () => void;
  /** Server-side watch timeout: the API server ends the stream, and the watch resumes from its resourceVersion. */
  watchTimeoutSeconds?: number;
}

const PAGE_SIZE = 500;
const FIRST_BACKOFF_MS = 500;
// Short enough that a cluster back from an outage shows on the page within a refresh or two.
const MAX_BACKOFF_MS = 8_000;
const DEFAULT_WATCH_TIMEOUT_SECONDS = 290;

/**
 * client-go's reflector for one resource, over the context's keep-alive transport and plain JSON: list (paged),
 * then watch from the list's resourceVersion; a watch the server ends is resumed from the last version seen, a
 * 410 Gone or a failed request starts over with a list, after an exponential back-off on errors. A 403 stops it:
 * the cache then degrades or falls back, and starts over when the 403 comes after the informer was synced. client-node's own ListWatch deserializes every object into typed
 * classes and makes a new TLS connection per request, which is why it is not used here.
 */
export class Informer<T extends CachedObject> {
  list: CachedList<T> = listFrom([], '');
  private state: InformerState = 'syncing';
  private watchRestarts = 0;
  private relists = 0;
  private lastError: ApiError | null = null;
  private readonly stopper = new AbortController();
  private hasListed = false;
  private wasAccepted = false;
  private resolveSynced!: () => void;
  private rejectSynced!: (error: ApiError) => void;
  /**
   * Resolves when the first list arrived and its watch was accepted, or when either was refused (403); rejects
   * when the first list failed otherwise (the informer has then stopped: nothing was ever current).
   */
  readonly synced = new Promise<void>((resolve, reject) => {
    this.resolveSynced = resolve;
    this.rejectSynced = reject;
  });

  constructor(private readonly options: InformerOptions<T>) {}

  start(): this {
    void this.run();
    return this;
  }

  stop(): void {
    this.stopper.abort();
    this.resolveSynced();
  }

  get namespace(): string | null {
    return this.options.namespace;
  }

  get refused(): boolean {
    return this.state === 'forbidden';
  }

  /** Why the objects held may be out of date: the error since which the informer has been retrying. */
  get outage(): ApiError | null {
    return this.state === 'retrying' ? this.lastError : null;
  }

  health(): InformerHealth {
    let objects = 0;
    for (const byName of this.list.byNamespace.values()) objects += byName.size;
    return { state: this.state, watchRestarts: this.watchRestarts, relists: this.relists, objects, lastError: this.lastError?.message ?? null };
  }

  private async run(): Promise<void> {
    let mustList = true;
    let backoff = FIRST_BACKOFF_MS;
    let watched = false;
    while (!this.stopper.signal.aborted) {
      try {
        if (mustList) {
          await this.relist();
          mustList = false;
        }
        if (watched) this.watchRestarts += 1;
        watched = true;
        mustList = (await this.watch()) === 'relist';
        backoff = FIRST_BACKOFF_MS;
      } catch (error) {
        if (this.stopper.signal.aborted) return;
        this.lastError = toApiError(error, this.options.clients);
        if (this.lastError.code === 'forbidden') {
          this.state = 'forbidden';
          this.resolveSynced();
          if (this.wasAccepted) this.options.onRevoked?.();
          return;
        }
        if (!this.hasListed) {
          this.rejectSynced(this.lastError);
          return;
        }
        // As the reflector does: after a failed request nothing is known to be current, so list again.
        this.state = 'retrying';
        mustList = true;
        await sleep(backoff, this.stopper.signal);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** Every page of the list, each parsed and trimmed as it arrives, so a relist does not hold the list twice. */
  private async relist(): Promise<void> {
    const items: T[] = [];
    let next: string | undefined;
    let resourceVersion = '';
    do {
      const query = this.query({ limit: String(PAGE_SIZE), ...(next ? { continue: next } : {}) });
      const page = await this.options.clients.transport.getJson<RawList<never>>(`${this.options.path}?${query}`, this.stopper.signal);
      for (const object of page.items) items.push(this.options.trim(object));
      resourceVersion ||= page.metadata?.resourceVersion ?? '';
      next = page.metadata?.continue || undefined;
    } while (next);
    this.list = listFrom(items, resourceVersion);
    this.hasListed = true;
    this.relists += 1;
    this.state = 'synced';
    this.options.onChange(null);
  }

  /** One watch until the server ends it; 'relist' when it said the version is gone. */
  private async watch(): Promise<'resume' | 'relist'> {
    const timeout = this.options.watchTimeoutSeconds ?? DEFAULT_WATCH_TIMEOUT_SECONDS;
    const query = this.query({ watch: 'true', resourceVersion: this.list.resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: String(timeout) });
    let outcome = 'resume' as 'resume' | 'relist';
    await this.options.clients.transport.watch(`${this.options.path}?${query}`, (line) => {
      const event = line as WatchEvent<T>;
      const applied = applyWatchEvent(this.list, isObjectEvent(event) ? { type: event.type, object: this.options.trim(event.object as never) } : event);
      if (applied.kind === 'changed') this.options.onChange(applied.namespace);
      if (applied.kind !== 'relist') return undefined;
      outcome = 'relist';
      return 'stop';
    }, this.stopper.signal, () => {
      this.wasAccepted = true;
      this.resolveSynced();
    });
    return outcome;
  }

  private query(extra: Record<string, string>): URLSearchParams {
    return new URLSearchParams({ ...(this.options.fieldSelector ? { fieldSelector: this.options.fieldSelector } : {}), ...extra });
  }
}

function isObjectEvent<T>(event: WatchEvent<T>): event is Extract<WatchEvent<T>, { type: 'ADDED' | 'MODIFIED' | 'DELETED' }> {
  return event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms).unref();
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
