import { describe, expect, it } from 'vitest';
import { ObjectStore, StoreError, type KubeObject, type StoreEvent } from './store';

function pod(name: string, namespace = 'default', image = 'nginx'): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'c', image }] } };
}

describe('ObjectStore', () => {
  it('assigns identity and a growing resourceVersion on create, and refuses a second object of the same name', () => {
    const store = new ObjectStore();
    const first = store.create('pods', pod('a'));
    const second = store.create('pods', pod('b'));
    expect(first.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.metadata.generation).toBe(1);
    expect(first.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Number(second.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
    expect(store.resourceVersion).toBe(second.metadata.resourceVersion);
    expect(() => store.create('pods', pod('a'))).toThrow(expect.objectContaining({ reason: 'AlreadyExists' }));
  });

  it('hands out frozen objects: changing what get, list, create, update or delete returned throws and changes nothing stored', () => {
    const store = new ObjectStore();
    const created = store.create('pods', pod('a'));
    expect(() => {
      created.metadata.labels = { changed: 'yes' };
    }).toThrow(TypeError);
    expect(() => {
      store.get('pods', 'default', 'a')!.metadata.name = 'renamed';
    }).toThrow(TypeError);
    expect(() => {
      store.list('pods')[0]!.metadata.namespace = 'elsewhere';
    }).toThrow(TypeError);
    const updated = store.update('pods', { ...created, spec: { containers: [] } });
    expect(() => {
      (updated.spec as { containers: unknown[] }).containers.push({ name: 'extra' });
    }).toThrow(TypeError);
    expect(store.get('pods', 'default', 'a')?.metadata).toMatchObject({ name: 'a', namespace: 'default' });
    expect(store.get('pods', 'default', 'a')?.metadata.labels).toBeUndefined();
    expect(store.get('pods', 'default', 'a')?.spec).toEqual({ containers: [] });
    const deleted = store.delete('pods', 'default', 'a');
    expect(() => {
      deleted.metadata.name = 'renamed';
    }).toThrow(TypeError);
  });

  it('copies what it is given: changing an object after create or update changes nothing stored', () => {
    const store = new ObjectStore();
    const given = pod('a');
    store.create('pods', given);
    given.metadata.labels = { changed: 'yes' };
    const next = structuredClone(store.get('pods', 'default', 'a')!);
    store.update('pods', next);
    next.metadata.name = 'renamed';
    expect(store.get('pods', 'default', 'a')?.metadata).toMatchObject({ name: 'a', namespace: 'default' });
    expect(store.get('pods', 'default', 'a')?.metadata.labels).toBeUndefined();
  });

  it('lists one namespace or all, sorted by namespace then name', () => {
    const store = new ObjectStore();
    for (const [name, namespace] of [['b', 'ns2'], ['z', 'ns1'], ['a', 'ns2'], ['m', 'ns1']] as const) store.create('pods', pod(name, namespace));
    expect(store.list('pods').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['ns1/m', 'ns1/z', 'ns2/a', 'ns2/b']);
    expect(store.list('pods', 'ns2').map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(store.list('pods', 'ns')).toEqual([]);
    expect(store.list('secrets')).toEqual([]);
  });

  it('updates keep identity, bump generation only when asked, and conflict on a stale resourceVersion', () => {
    const store = new ObjectStore();
    const created = store.create('pods', pod('a'));
    const changed = store.update('pods', { ...pod('a', 'default', 'nginx:1.27'), metadata: { name: 'a', namespace: 'default', uid: 'forged' } }, { bumpGeneration: true });
    expect(changed.metadata.uid).toBe(created.metadata.uid);
    expect(changed.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
    expect(changed.metadata.generation).toBe(2);
    expect(store.update('pods', changed).metadata.generation).toBe(2);
    expect(() => store.update('pods', created, { expectedResourceVersion: created.metadata.resourceVersion })).toThrow(
      expect.objectContaining({ reason: 'Conflict', message: expect.stringContaining('the object has been modified') }),
    );
    expect(() => store.update('pods', pod('missing'))).toThrow(StoreError);
  });

  it('deletes with a new resourceVersion and NotFound the second time', () => {
    const store = new ObjectStore();
    const created = store.create('pods', pod('a'));
    const deleted = store.delete('pods', 'default', 'a');
    expect(Number(deleted.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    expect(store.get('pods', 'default', 'a')).toBeUndefined();
    expect(() => store.delete('pods', 'default', 'a')).toThrow(expect.objectContaining({ reason: 'NotFound' }));
  });

  it('tells watchers every change, and replays the changes after a resourceVersion', () => {
    const store = new ObjectStore();
    const a = store.create('pods', pod('a'));
    store.create('pods', pod('b'));
    const seen: StoreEvent[] = [];
    const stop = store.watch((event) => seen.push(event), a.metadata.resourceVersion);
    store.delete('pods', 'default', 'a');
    stop();
    store.create('pods', pod('c'));
    expect(seen.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED b', 'DELETED a']);
    expect(seen.map((e) => e.resourceVersion)).toEqual(seen.map((e) => Number(e.object.metadata.resourceVersion)));
  });

  it('shares one frozen snapshot per change with all watchers, so none can alter what others see', () => {
    const store = new ObjectStore();
    const received: KubeObject[] = [];
    store.watch((event) => received.push(event.object));
    store.watch((event) => received.push(event.object));
    store.create('pods', pod('a'));
    expect(received[0]).toBe(received[1]);
    expect(Object.isFrozen(received[0]?.metadata)).toBe(true);
    expect(() => {
      (received[0]!.metadata as { name: string }).name = 'changed';
    }).toThrow(TypeError);
    expect(store.get('pods', 'default', 'a')?.metadata.name).toBe('a');
  });

  it('answers Gone for a resourceVersion older than its history', () => {
    const store = new ObjectStore();
    for (let i = 0; i < 10_050; i += 1) store.create('pods', pod(`p${i}`));
    expect(() => store.watch(() => {}, '2')).toThrow(expect.objectContaining({ reason: 'Gone' }));
    expect(() => store.watch(() => {}, 'not-a-number')).toThrow(expect.objectContaining({ reason: 'Gone' }));
    expect(() => store.watch(() => {}, store.resourceVersion)).not.toThrow();
  });
});
