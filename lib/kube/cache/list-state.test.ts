import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyWatchEvent, emptyList, isOlder, listFrom, objectsIn, type CachedList, type WatchEvent } from './list-state';

interface Item {
  metadata: { name: string; namespace: string; resourceVersion: string };
  value: number;
}

const item = (namespace: string, name: string, resourceVersion: number, value = 0): Item => ({
  metadata: { name, namespace, resourceVersion: String(resourceVersion) },
  value,
});

function names(list: CachedList<Item>): string[] {
  return objectsIn(list, null)
    .map((object) => `${object.metadata.namespace}/${object.metadata.name}@${object.metadata.resourceVersion}`)
    .sort();
}

describe('applyWatchEvent', () => {
  it('adds, modifies and deletes, naming the namespace that changed and advancing the resourceVersion', () => {
    const list = listFrom([item('a', 'p', 5)], '5');
    expect(applyWatchEvent(list, { type: 'ADDED', object: item('b', 'q', 6) })).toEqual({ kind: 'changed', namespace: 'b' });
    expect(applyWatchEvent(list, { type: 'MODIFIED', object: item('a', 'p', 7, 1) })).toEqual({ kind: 'changed', namespace: 'a' });
    expect(list.byNamespace.get('a')?.get('p')?.value).toBe(1);
    expect(applyWatchEvent(list, { type: 'DELETED', object: item('b', 'q', 8) })).toEqual({ kind: 'changed', namespace: 'b' });
    expect(names(list)).toEqual(['a/p@7']);
    expect(list.byNamespace.has('b')).toBe(false);
    expect(list.resourceVersion).toBe('8');
  });

  it('takes a MODIFIED for an object it never saw as the object (a watch resumed after its ADDED)', () => {
    const list = listFrom<Item>([], '3');
    expect(applyWatchEvent(list, { type: 'MODIFIED', object: item('a', 'p', 4) }).kind).toBe('changed');
    expect(names(list)).toEqual(['a/p@4']);
  });

  it('moves only the resourceVersion on a bookmark', () => {
    const list = listFrom([item('a', 'p', 5)], '5');
    expect(applyWatchEvent(list, { type: 'BOOKMARK', object: { metadata: { resourceVersion: '90' } } })).toEqual({ kind: 'unchanged' });
    expect(list.resourceVersion).toBe('90');
    expect(names(list)).toEqual(['a/p@5']);
  });

  it('drops events older than the list or the object it holds: a replay cannot bring an old state back', () => {
    const list = listFrom([item('a', 'p', 10, 10)], '12');
    expect(applyWatchEvent(list, { type: 'MODIFIED', object: item('a', 'p', 9, 9) })).toEqual({ kind: 'stale' });
    expect(applyWatchEvent(list, { type: 'DELETED', object: item('a', 'p', 12) })).toEqual({ kind: 'stale' });
    expect(applyWatchEvent(list, { type: 'MODIFIED', object: item('a', 'p', 14, 14) }).kind).toBe('changed');
    expect(applyWatchEvent(list, { type: 'MODIFIED', object: item('a', 'p', 13, 13) })).toEqual({ kind: 'stale' });
    expect(list.byNamespace.get('a')?.get('p')?.value).toBe(14);
  });

  it('asks for a relist on 410 Gone and a plain restart on any other error', () => {
    const list = emptyList<Item>();
    expect(applyWatchEvent(list, { type: 'ERROR', object: { code: 410, reason: 'Expired', message: 'too old resource version: 1 (20)' } })).toEqual({ kind: 'relist' });
    expect(applyWatchEvent(list, { type: 'ERROR', object: { code: 500, message: 'etcd leader changed' } })).toEqual({ kind: 'restart', message: 'etcd leader changed' });
  });

  it('compares resourceVersions as decimal integers', () => {
    expect(isOlder('9', '10')).toBe(true);
    expect(isOlder('10', '9')).toBe(false);
    expect(isOlder('10', '10')).toBe(false);
    expect(isOlder('abc', '10')).toBe(false);
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.bigInt({ min: 0n, max: 10n ** 20n }), (a, b) => isOlder(String(a), String(b)) === a < b));
  });

  it('ends where the final state of every object is, whatever the events in between and their replays', () => {
    const operation = fc.record({ namespace: fc.constantFrom('a', 'b'), name: fc.constantFrom('p', 'q', 'r'), deleted: fc.boolean(), replay: fc.nat(3) });
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), (operations) => {
        const list = listFrom<Item>([], '1');
        const truth = new Map<string, Item>();
        const sent: WatchEvent<Item>[] = [];
        operations.forEach((operation, index) => {
          const object = item(operation.namespace, operation.name, index + 2, index);
          const key = `${operation.namespace}/${operation.name}`;
          const type = operation.deleted ? 'DELETED' : truth.has(key) ? 'MODIFIED' : 'ADDED';
          if (operation.deleted) truth.delete(key);
          else truth.set(key, object);
          const event: WatchEvent<Item> = { type, object };
          sent.push(event);
          applyWatchEvent(list, event);
          // A replayed older event, as a watch resumed from an older resourceVersion would deliver it.
          const replayed = sent[Math.max(0, sent.length - 1 - operation.replay)];
          if (replayed) applyWatchEvent(list, replayed);
        });
        expect(names(list)).toEqual([...truth.values()].map((object) => `${object.metadata.namespace}/${object.metadata.name}@${object.metadata.resourceVersion}`).sort());
      }),
    );
  });
});
