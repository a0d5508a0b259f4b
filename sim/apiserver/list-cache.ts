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
    const bucket = this.buckets.get(resource);
    if (!bucket) return [];
    let keys = this.sortedKeys.get(resource);
    if (!keys) {
      keys = [...bucket.keys()].sort();
      this.sortedKeys.set(resource, keys);
    }
    const prefix = namespace === undefined ? null : `${namespace}/`;
    const objects: KubeObject[] = [];
    for (const key of keys) {
      if (prefix === null || key.startsWith(prefix)) objects.push(bucket.get(key)!);
    }
    return objects;
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

function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}
