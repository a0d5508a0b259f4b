import { randomUUID } from 'node:crypto';

/**
 * The simulator's etcd: every object of the simulated cluster, one global resourceVersion counter, and a
 * bounded history of changes so watches can resume (and get 410 Gone when they ask for too old a version).
 *
 * Stored objects are deep-frozen and handed out as they are, by every read and write and to the history and every
 * watcher: nothing outside the store can change state without going through `create`/`update`/`delete` (and so
 * without producing a watch event), since modifying a handed-out object throws. A writer copies what it read
 * (`structuredClone`) before changing it. One frozen snapshot per change, and none per read, keeps a 50,000-pod
 * scenario fast: copying on every read was close to half the simulator's time at that size.
 */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  generateName?: string;
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Plural resource name, unique across the API groups the simulator serves: 'pods', 'deployments', ... */
export type Resource = string;

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  resource: Resource;
  type: WatchEventType;
  object: KubeObject;
  resourceVersion: number;
}

export type StoreErrorReason = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Gone';

export class StoreError extends Error {
  constructor(
    readonly reason: StoreErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface UpdateOptions {
  /** When set, the update fails with Conflict unless the stored object still has this resourceVersion. */
  expectedResourceVersion?: string;
  /** Spec changes bump metadata.generation; status-only writes do not. */
  bumpGeneration?: boolean;
}

type Listener = (event: StoreEvent) => void;

const HISTORY_LIMIT = 10_000;

export class ObjectStore {
  private readonly objects = new Map<Resource, Map<string, KubeObject>>();
  private readonly listeners = new Set<Listener>();
  private readonly history: StoreEvent[] = [];
  private revision = 1;

  /** The current global resourceVersion, as lists report it. */
  get resourceVersion(): string {
    return String(this.revision);
  }

  get(resource: Resource, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.bucket(resource).get(objectKey(namespace, name));
  }

  /** Every object of a resource, in one namespace or all, sorted by namespace then name (as etcd keys sort). */
  list(resource: Resource, namespace?: string): readonly KubeObject[] {
    return this.snapshot(resource, namespace);
  }

  /** The stored objects themselves, frozen and shared, in `list`'s order (the name readers that only look use). */
  snapshot(resource: Resource, namespace?: string): readonly KubeObject[] {
    const items: KubeObject[] = [];
    for (const [key, object] of this.bucket(resource)) {
      if (namespace === undefined || key.startsWith(`${namespace}/`)) items.push(object);
    }
    return items.sort(byNamespaceAndName);
  }

  count(resource: Resource): number {
    return this.bucket(resource).size;
  }

  create(resource: Resource, object: KubeObject): KubeObject {
    const bucket = this.bucket(resource);
    const meta = object.metadata;
    const key = objectKey(meta.namespace, meta.name);
    if (bucket.has(key)) {
      throw new StoreError('AlreadyExists', `${resource} "${meta.name}" already exists`);
    }
    const stored = clone(object);
    stored.metadata.uid = stored.metadata.uid ?? randomUUID();
    stored.metadata.creationTimestamp = stored.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    stored.metadata.generation = stored.metadata.generation ?? 1;
    stored.metadata.resourceVersion = this.nextRevision();
    bucket.set(key, deepFreeze(stored));
    this.emit(resource, 'ADDED', stored);
    return stored;
  }

  update(resource: Resource, object: KubeObject, options: UpdateOptions = {}): KubeObject {
    const bucket = this.bucket(resource);
    const meta = object.metadata;
    const key = objectKey(meta.namespace, meta.name);
    const current = bucket.get(key);
    if (!current) throw new StoreError('NotFound', `${resource} "${meta.name}" not found`);
    if (options.expectedResourceVersion !== undefined && options.expectedResourceVersion !== current.metadata.resourceVersion) {
      throw new StoreError(
        'Conflict',
        `Operation cannot be fulfilled on ${resource} "${meta.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    const stored = clone(object);
    stored.metadata.uid = current.metadata.uid;
    stored.metadata.creationTimestamp = current.metadata.creationTimestamp;
    stored.metadata.generation = (current.metadata.generation ?? 1) + (options.bumpGeneration ? 1 : 0);
    stored.metadata.resourceVersion = this.nextRevision();
    bucket.set(key, deepFreeze(stored));
    this.emit(resource, 'MODIFIED', stored);
    return stored;
  }

  delete(resource: Resource, namespace: string | undefined, name: string): KubeObject {
    const bucket = this.bucket(resource);
    const key = objectKey(namespace, name);
    const current = bucket.get(key);
    if (!current) throw new StoreError('NotFound', `${resource} "${name}" not found`);
    bucket.delete(key);
    const deleted = clone(current);
    deleted.metadata.resourceVersion = this.nextRevision();
    this.emit(resource, 'DELETED', deepFreeze(deleted));
    return deleted;
  }

  /**
   * Calls `listener` for every change from now on. With `sinceResourceVersion`, first replays the changes after
   * that version; throws Gone when the history no longer reaches back that far.
   */
  watch(listener: Listener, sinceResourceVersion?: string): () => void {
    if (sinceResourceVersion !== undefined && sinceResourceVersion !== '' && sinceResourceVersion !== '0') {
      const since = Number(sinceResourceVersion);
      const oldest = this.history[0]?.resourceVersion ?? this.revision;
      if (!Number.isFinite(since) || since < oldest - 1) {
        throw new StoreError('Gone', `too old resource version: ${sinceResourceVersion} (${oldest - 1})`);
      }
      for (const event of this.history) {
        if (event.resourceVersion > since) listener({ ...event });
      }
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private bucket(resource: Resource): Map<string, KubeObject> {
    let bucket = this.objects.get(resource);
    if (!bucket) {
      bucket = new Map();
      this.objects.set(resource, bucket);
    }
    return bucket;
  }

  private nextRevision(): string {
    this.revision += 1;
    return String(this.revision);
  }

  /** `object` must already be frozen: it is shared by the history and every listener. */
  private emit(resource: Resource, type: WatchEventType, object: KubeObject): void {
    const event: StoreEvent = { resource, type, object, resourceVersion: this.revision };
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
    for (const listener of this.listeners) listener({ ...event });
  }
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  const left = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const right = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
