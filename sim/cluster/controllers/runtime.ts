import { realClock, type Clock, type ClockTimer } from '../../clock';
import type { AdmissionHook } from '../../contracts';
import { StoreError, type KubeObject, type ObjectStore, type StoreEvent } from '../../store';
import { EventRecorder } from '../events';

export interface ControllerContext {
  store: ObjectStore;
  admit: AdmissionHook;
  /** Real durations (progress deadlines, job run times) are multiplied by this, so tests run in seconds. */
  timeScale: number;
  /** Deadlines, schedules, retries and timestamps; the real clock unless a test drives it. */
  clock?: Clock;
}

/** What each controller works with: the context with its clock, plus the shared index of dependents by owner. */
export interface ControllerRuntime extends ControllerContext {
  clock: Clock;
  owners: OwnerIndex;
}

/**
 * Dependents by owner uid, kept current from the store's change stream — the informer cache real
 * controllers read instead of listing the API. Finding a ReplicaSet's pods costs the size of the answer, not
 * of the cluster, which is what lets ten thousand pods settle in seconds. The objects are the change
 * stream's own copies: readers must not modify them.
 */
export class OwnerIndex {
  private readonly byOwner = new Map<string, Map<string, KubeObject>>();
  private readonly ownersOf = new Map<string, string[]>();
  private readonly unsubscribe: () => void;

  constructor(
    store: ObjectStore,
    private readonly resources: string[],
  ) {
    this.unsubscribe = store.watch((event) => {
      if (!this.resources.includes(event.resource)) return;
      if (event.type === 'DELETED') this.remove(event.resource, event.object);
      else this.put(event.resource, event.object);
    });
    for (const resource of resources) for (const object of store.list(resource)) this.put(resource, object);
  }

  dependents(resource: string, ownerUid: string | undefined): KubeObject[] {
    return [...(this.byOwner.get(`${resource}|${ownerUid ?? ''}`)?.values() ?? [])];
  }

  stop(): void {
    this.unsubscribe();
  }

  private put(resource: string, object: KubeObject): void {
    this.remove(resource, object);
    const key = `${resource}|${keyOf(object)}`;
    const owners = (object.metadata.ownerReferences ?? []).map((reference) => `${resource}|${reference.uid}`);
    this.ownersOf.set(key, owners);
    for (const owner of owners) {
      let bucket = this.byOwner.get(owner);
      if (!bucket) {
        bucket = new Map();
        this.byOwner.set(owner, bucket);
      }
      bucket.set(key, object);
    }
  }

  private remove(resource: string, object: KubeObject): void {
    const key = `${resource}|${keyOf(object)}`;
    for (const owner of this.ownersOf.get(key) ?? []) {
      const bucket = this.byOwner.get(owner);
      bucket?.delete(key);
      if (bucket?.size === 0) this.byOwner.delete(owner);
    }
    this.ownersOf.delete(key);
  }
}

/**
 * One controller of kube-controller-manager's kind: it maps store changes to keys of the objects it owns
 * (`namespace/name`) and reconciles one key at a time. `reconcile` may ask to be called again after a delay,
 * which is how deadlines and schedules are noticed without a change in the store.
 */
export interface Controller {
  name: string;
  keysFor(event: StoreEvent): string[];
  /** Keys to reconcile when the controller starts: everything already in the store. */
  initialKeys(): string[];
  reconcile(key: string): ReconcileResult;
}

export type ReconcileResult = void | { requeueAfterMs: number };

/**
 * Runs controllers against the store. Work is queued and done on a later tick, as real controllers work from
 * informers: the store's listeners never see a nested change before the change that caused it, and bursts of
 * events about one object collapse into one reconcile.
 */
export class ControllerManager {
  private readonly queues = new Map<Controller, Set<string>>();
  private readonly timers = new Set<ClockTimer>();
  private readonly failures = new Map<string, number>();
  private readonly idleWaiters: (() => void)[] = [];
  private unsubscribe: (() => void) | null = null;
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly controllers: Controller[],
    private readonly log: (line: string) => void = () => {},
    private readonly onStop: () => void = () => {},
    private readonly clock: Clock = realClock,
  ) {
    for (const controller of controllers) this.queues.set(controller, new Set());
  }

  start(): void {
    this.unsubscribe = this.store.watch((event) => {
      for (const controller of this.controllers) {
        for (const key of controller.keysFor(event)) this.enqueue(controller, key);
      }
    });
    for (const controller of this.controllers) {
      for (const key of controller.initialKeys()) this.enqueue(controller, key);
    }
  }

  /** Resolves once every queue is empty: all the consequences of the changes so far are in the store. */
  settle(): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.closed = true;
    this.unsubscribe?.();
    this.onStop();
    for (const timer of this.timers) this.clock.clearTimeout(timer);
    this.timers.clear();
    for (const queue of this.queues.values()) queue.clear();
    this.releaseWaiters();
  }

  private enqueue(controller: Controller, key: string): void {
    if (this.closed) return;
    this.queues.get(controller)?.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    for (const [controller, queue] of this.queues) {
      const keys = [...queue];
      queue.clear();
      for (const key of keys) this.run(controller, key);
    }
    if (this.busy()) {
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.drain());
      }
    } else {
      this.releaseWaiters();
    }
  }

  private run(controller: Controller, key: string): void {
    const failureKey = `${controller.name}|${key}`;
    try {
      const result = controller.reconcile(key);
      this.failures.delete(failureKey);
      if (result) this.requeueLater(controller, key, result.requeueAfterMs);
    } catch (error) {
      // A conflict or a missing dependency (say, a service account not created yet) may clear up on its own:
      // retry with exponential back-off per key, as client-go's rate-limited work queue does.
      const attempts = (this.failures.get(failureKey) ?? 0) + 1;
      this.failures.set(failureKey, attempts);
      if (attempts === 1 || attempts % 10 === 0) {
        this.log(`${controller.name} ${key}: ${error instanceof Error ? error.message : String(error)} (attempt ${attempts})`);
      }
      this.requeueLater(controller, key, Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (attempts - 1)));
    }
  }

  private requeueLater(controller: Controller, key: string, delayMs: number): void {
    if (this.closed) return;
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue(controller, key);
    }, Math.max(1, delayMs));
    this.timers.add(timer);
  }

  private busy(): boolean {
    if (this.scheduled) return true;
    for (const queue of this.queues.values()) if (queue.size > 0) return true;
    return false;
  }

  private releaseWaiters(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

const RETRY_BASE_MS = 50;
const RETRY_CAP_MS = 30_000;

export function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The key of the object's controller when it is of `kind`: how pod events reach the workload that owns them. */
export function ownerKey(object: KubeObject, kind: string): string[] {
  const owner = object.metadata.ownerReferences?.find((reference) => reference.controller && reference.kind === kind);
  return owner ? [`${object.metadata.namespace ?? ''}/${owner.name}`] : [];
}

/** Creates through admission, as every create reaching the API server does. */
export function createAdmitted(context: ControllerContext, resource: string, object: KubeObject): KubeObject {
  return context.store.create(resource, context.admit(resource, object, context.store));
}

/** Deletes, treating "already gone" as done: two controllers may race to remove the same object. */
export function deleteIfPresent(store: ObjectStore, resource: string, namespace: string | undefined, name: string): void {
  try {
    store.delete(resource, namespace, name);
  } catch (error) {
    if (!(error instanceof StoreError && error.reason === 'NotFound')) throw error;
  }
}

/** Writes `status` only when it changed, so idle reconciles do not churn resourceVersions and watch streams. */
export function writeStatus(store: ObjectStore, resource: string, object: KubeObject, status: Record<string, unknown>): KubeObject {
  if (JSON.stringify(object.status ?? {}) === JSON.stringify(status)) return object;
  return store.update(resource, { ...object, status });
}

/**
 * Go's `omitempty` on integer status fields: zero counts are left out of the JSON, except the ones whose
 * field has no `omitempty` (listed in `keep`).
 */
export function omitZeros(status: Record<string, unknown>, keep: string[] = []): Record<string, unknown> {
  return Object.fromEntries(Object.entries(status).filter(([key, value]) => value !== 0 || keep.includes(key)));
}

export function controllerRecorder(context: ControllerRuntime, component: string): EventRecorder {
  return new EventRecorder(context.store, { component }, context.clock);
}
