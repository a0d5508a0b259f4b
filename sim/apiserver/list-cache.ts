import type { KubeObject, ObjectStore, StoreEvent } from '../store';

/**
 * The API server's watch cache: a copy of every served object kept current from the store's own watch, so a
 * list (kubectl pages through 500 at a time) costs a filter and a serialization instead of a deep copy of the
 * whole resource from the store. Objects handed out are shared and must be treated as read-only.
 */
export class ListCache {
  private readonly buckets = new Map<string, Map<string, KubeObject>>();
  private readonly sortedKeys = new Map<string, string[]>();
  private readonly unsubscribe: () => void;

  constructor(store: ObjectStore, resources: string[]) {
    for (const resource of resources) {
      this.buckets.set(resource, new Map(store.snapshot(resource).map((object) => [keyOf(object), object])));
    }
    this.unsubscribe = store.watch((event) => this.apply(event));
  }

  /** The objects of a resource, in one namespace or all, in the store's order (namespace, then name). */
  list(resource: string, namespace?: string): KubeObject[] {
    return this.page(resource, { namespace, limit: Infinity }).items;
  }

  /**
   * One page of a list: the first `limit` objects that `matches` accepts after the key `after`, found by a binary
   * search rather than a scan from the start (paging 10,000 pods 500 at a time scanned the whole list per page),
   * and how many more match. Without `matches` the count is an index difference, with it one pass over the rest.
   */
  page(
    resource: string,
    options: { namespace?: string; after?: string; limit: number; matches?: (object: KubeObject) => boolean },
  ): { items: KubeObject[]; remaining: number } {
    const bucket = this.buckets.get(resource);
    if (!bucket) return { items: [], remaining: 0 };
    const keys = this.keysOf(resource, bucket);
    const prefix = options.namespace === undefined ? '' : `${options.namespace}/`;
    // '/' sorts before every character a name may hold, so a namespace's keys are contiguous from its prefix.
    let position = lowerBound(keys, options.after !== undefined && options.after >= prefix ? `${options.after}\u0000` : prefix);
    const end = prefix === '' ? keys.length : lowerBound(keys, `${prefix.slice(0, -1)}0`);
    const items: KubeObject[] = [];
    for (; position < end && items.length < options.limit; position += 1) {
      const object = bucket.get(keys[position]!)!;
      if (!options.matches || options.matches(object)) items.push(object);
    }
    if (!options.matches) return { items, remaining: end - position };
    let remaining = 0;
    for (; position < end; position += 1) if (options.matches(bucket.get(keys[position]!)!)) remaining += 1;
    return { items, remaining };
  }

  private keysOf(resource: string, bucket: Map<string, KubeObject>): string[] {
    let keys = this.sortedKeys.get(resource);
    if (!keys) {
      keys = [...bucket.keys()].sort();
      this.sortedKeys.set(resource, keys);
    }
    return keys;
  }

  close(): void {
    this.unsubscribe();
  }

  private apply(event: StoreEvent): void {
    const bucket = this.buckets.get(event.resource);
    if (!bucket) return;
    const key = keyOf(event.object);
    if (event.type === 'DELETED') {
      bucket.delete(key);
      this.sortedKeys.delete(event.resource);
      return;
    }
    if (!bucket.has(key)) this.sortedKeys.delete(event.resource);
    bucket.set(key, event.object);
  }
}

/** The first index whose key is not below `key`. */
function lowerBound(keys: string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle]! < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}
