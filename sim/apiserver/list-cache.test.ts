import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ObjectStore, type KubeObject } from '../store';
import { ListCache } from './list-cache';

function secret(namespace: string, name: string, value: number): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, data: { n: Buffer.from(String(value)).toString('base64') } };
}

describe('ListCache', () => {
  it('lists what the store lists, in the same order, after any sequence of writes', () => {
    const operation = fc.record({
      kind: fc.constantFrom('put', 'delete'),
      namespace: fc.constantFrom('a', 'b', 'a-b'),
      name: fc.constantFrom('x', 'y', 'z', 'x1', 'x-1'),
      value: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), (operations) => {
        const store = new ObjectStore();
        store.create('secrets', secret('b', 'seeded', 0));
        const cache = new ListCache(store, ['secrets']);
        for (const { kind, namespace, name, value } of operations) {
          const existing = store.get('secrets', namespace, name);
          if (kind === 'delete') {
            if (existing) store.delete('secrets', namespace, name);
          } else if (existing) {
            store.update('secrets', secret(namespace, name, value));
          } else {
            store.create('secrets', secret(namespace, name, value));
          }
        }
        expect(cache.list('secrets')).toEqual(store.list('secrets'));
        for (const namespace of ['a', 'b', 'a-b', 'none']) expect(cache.list('secrets', namespace)).toEqual(store.list('secrets', namespace));
        cache.close();
      }),
    );
  });

  it('pages through exactly what a full list holds, for any page size, namespace and filter', () => {
    const seed = fc.uniqueArray(fc.record({ namespace: fc.constantFrom('a', 'b', 'a-b', 'b0'), name: fc.constantFrom('x', 'y', 'z', 'x1', 'x-1') }), {
      selector: (entry) => `${entry.namespace}/${entry.name}`,
      maxLength: 20,
    });
    const key = (object: KubeObject) => `${object.metadata.namespace}/${object.metadata.name}`;
    fc.assert(
      fc.property(seed, fc.integer({ min: 1, max: 6 }), fc.constantFrom(undefined, 'a', 'b', 'b0'), fc.boolean(), (entries, limit, namespace, filtered) => {
        const store = new ObjectStore();
        entries.forEach((entry, index) => store.create('secrets', secret(entry.namespace, entry.name, index)));
        const cache = new ListCache(store, ['secrets']);
        const matches = filtered ? (object: KubeObject) => object.metadata.name.startsWith('x') : undefined;
        const expected = store.list('secrets', namespace).filter((object) => !matches || matches(object));
        const seen: KubeObject[] = [];
        let after: string | undefined;
        for (;;) {
          const page = cache.page('secrets', { namespace, after, limit, matches });
          seen.push(...page.items);
          expect(page.remaining).toBe(expected.length - seen.length);
          if (page.remaining === 0) break;
          after = key(page.items.at(-1)!);
        }
        expect(seen).toEqual(expected);
        cache.close();
      }),
    );
  });

  it('ignores resources it was not asked to track, and stops following the store once closed', () => {
    const store = new ObjectStore();
    const cache = new ListCache(store, ['secrets']);
    store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'a' } });
    expect(cache.list('configmaps')).toEqual([]);
    cache.close();
    store.create('secrets', secret('a', 'late', 1));
    expect(cache.list('secrets')).toEqual([]);
  });
});
