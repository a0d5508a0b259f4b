import 'server-only';

/**
 * A cached list of one resource kept current by watch events: Headlamp's list-update shape (apply one event to
 * the list the page holds), with the rules the API server's watch contract asks of a client. No I/O: the
 * informer feeds it, the tests drive it with generated event sequences.
 */

export interface CachedObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

/** The objects of one resource by namespace and name, and the resourceVersion a watch resumes from. */
export interface CachedList<T extends CachedObject> {
  resourceVersion: string;
  byNamespace: Map<string, Map<string, T>>;
}

export type WatchEvent<T> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  | { type: 'BOOKMARK'; object: { metadata?: { resourceVersion?: string } } }
  | { type: 'ERROR'; object: { code?: number; reason?: string; message?: string } };

/**
 * What an event did: `changed` names the namespace whose objects changed (answers there are stale), `stale`
 * an event older than what the list holds (dropped), `relist` a 410 Gone (the resourceVersion is too old to
 * resume from: list again), `restart` any other error event (watch again from the list's resourceVersion).
 */
export type ApplyOutcome =
  | { kind: 'changed'; namespace: string }
  | { kind: 'unchanged' }
  | { kind: 'stale' }
  | { kind: 'relist' }
  | { kind: 'restart'; message: string };

export function emptyList<T extends CachedObject>(): CachedList<T> {
  return { resourceVersion: '', byNamespace: new Map() };
}

/** A list as a relist returned it: replaces everything the cache held. */
export function listFrom<T extends CachedObject>(items: Iterable<T>, resourceVersion: string): CachedList<T> {
  const list = emptyList<T>();
  list.resourceVersion = resourceVersion;
  for (const item of items) put(list, item);
  return list;
}

/**
 * Applies one watch event to the list, in place. An object event older than the copy held (a reordered or
 * replayed event) is dropped rather than allowed to bring back an old state; a deletion is kept as deleted.
 */
export function applyWatchEvent<T extends CachedObject>(list: CachedList<T>, event: WatchEvent<T>): ApplyOutcome {
  switch (event.type) {
    case 'BOOKMARK':
      advance(list, event.object.metadata?.resourceVersion);
      return { kind: 'unchanged' };
    case 'ERROR':
      // The API server's watch cache answers a resume from a compacted version with an ERROR event of code 410.
      if (event.object.code === 410 || event.object.reason === 'Expired' || event.object.reason === 'Gone') return { kind: 'relist' };
      return { kind: 'restart', message: event.object.message ?? 'the watch ended with an error' };
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED':
      return applyObjectEvent(list, event.type, event.object);
  }
}

function applyObjectEvent<T extends CachedObject>(list: CachedList<T>, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T): ApplyOutcome {
  const namespace = object.metadata?.namespace ?? '';
  const name = object.metadata?.name ?? '';
  const version = object.metadata?.resourceVersion;
  // Every change has its own resourceVersion, and a list at version N holds every change up to N.
  if (atOrBefore(version, list.resourceVersion)) return { kind: 'stale' };
  const held = list.byNamespace.get(namespace)?.get(name);
  if (held && atOrBefore(version, held.metadata?.resourceVersion)) return { kind: 'stale' };
  advance(list, version);
  if (type === 'DELETED') {
    if (!held) return { kind: 'unchanged' };
    remove(list, namespace, name);
  } else {
    put(list, object);
  }
  return { kind: 'changed', namespace };
}

/**
 * Whether resourceVersion `a` is older than `b`. They are opaque to clients in general, but every API server
 * (etcd's revision) writes them as decimal integers, which order: compared as such, equal lengths first.
 */
export function isOlder(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return a.length !== b.length ? a.length < b.length : a < b;
}

function atOrBefore(a: string | undefined, b: string | undefined): boolean {
  return (a !== undefined && a !== '' && a === b) || isOlder(a, b);
}

/** The objects of one namespace (all namespaces when null), in no particular order. */
export function objectsIn<T extends CachedObject>(list: CachedList<T>, namespace: string | null): T[] {
  if (namespace !== null) return [...(list.byNamespace.get(namespace)?.values() ?? [])];
  return [...list.byNamespace.values()].flatMap((objects) => [...objects.values()]);
}

export function countObjects(list: CachedList<CachedObject>): number {
  let count = 0;
  for (const objects of list.byNamespace.values()) count += objects.size;
  return count;
}

function advance(list: CachedList<CachedObject>, version: string | undefined): void {
  if (version && (list.resourceVersion === '' || isOlder(list.resourceVersion, version))) list.resourceVersion = version;
}

function put<T extends CachedObject>(list: CachedList<T>, object: T): void {
  const namespace = object.metadata?.namespace ?? '';
  let objects = list.byNamespace.get(namespace);
  if (!objects) {
    objects = new Map();
    list.byNamespace.set(namespace, objects);
  }
  objects.set(object.metadata?.name ?? '', object);
}

function remove(list: CachedList<CachedObject>, namespace: string, name: string): void {
  const objects = list.byNamespace.get(namespace);
  objects?.delete(name);
  if (objects?.size === 0) list.byNamespace.delete(namespace);
}
