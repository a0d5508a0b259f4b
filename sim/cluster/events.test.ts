import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock';
import { ObjectStore, type KubeObject } from '../store';
import { EventRecorder } from './events';

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'team', uid: 'uid-1' } };

describe('EventRecorder', () => {
  it('counts a repeated event on the same object and field instead of creating another', () => {
    const store = new ObjectStore();
    const clock = new ManualClock(Date.parse('2026-03-10T10:00:00Z'));
    const recorder = new EventRecorder(store, { component: 'kubelet', host: 'node-a' }, clock);
    const first = recorder.record(pod, { type: 'Normal', reason: 'Pulling', message: 'Pulling image "nginx"', fieldPath: 'spec.containers{web}' });
    clock.advance(1100);
    recorder.record(pod, { type: 'Normal', reason: 'Pulling', message: 'Pulling image "nginx"', fieldPath: 'spec.containers{web}' });
    const third = recorder.record(pod, { type: 'Normal', reason: 'Pulling', message: 'Pulling image "nginx"', fieldPath: 'spec.containers{web}' });
    expect(store.list('events', 'team')).toHaveLength(1);
    expect(third.metadata.name).toBe(first.metadata.name);
    expect(third.count).toBe(3);
    expect(third.firstTimestamp).toBe(first.firstTimestamp);
    expect(Date.parse(String(third.lastTimestamp))).toBeGreaterThan(Date.parse(String(first.lastTimestamp)));
    expect([first.firstTimestamp, third.lastTimestamp]).toEqual(['2026-03-10T10:00:00Z', '2026-03-10T10:00:01Z']);
  });

  const variations: [string, Partial<{ reason: string; message: string; fieldPath: string; object: KubeObject }>][] = [
    ['another reason', { reason: 'Pulled' }],
    ['another message', { message: 'Pulling image "redis"' }],
    ['another container', { fieldPath: 'spec.containers{sidecar}' }],
    ['another pod', { object: { ...pod, metadata: { ...pod.metadata, name: 'web-2', uid: 'uid-2' } } }],
  ];
  for (const [label, change] of variations) {
    it(`keeps ${label} apart`, () => {
      const store = new ObjectStore();
      const recorder = new EventRecorder(store, { component: 'kubelet', host: 'node-a' });
      recorder.record(pod, { type: 'Normal', reason: 'Pulling', message: 'Pulling image "nginx"', fieldPath: 'spec.containers{web}' });
      recorder.record(change.object ?? pod, { type: 'Normal', reason: change.reason ?? 'Pulling', message: change.message ?? 'Pulling image "nginx"', fieldPath: change.fieldPath ?? 'spec.containers{web}' });
      expect(store.list('events', 'team').map((event) => event.count)).toEqual([1, 1]);
    });
  }

  it('writes the fields kubectl describe and get events read', () => {
    const store = new ObjectStore();
    const event = new EventRecorder(store, { component: 'kubelet', host: 'node-a' }).record(pod, { type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull', fieldPath: 'spec.initContainers{init}' });
    expect(event).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: 'team', name: expect.stringMatching(/^web-1\.[0-9a-f]+$/) },
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'team', uid: 'uid-1', apiVersion: 'v1', fieldPath: 'spec.initContainers{init}' },
      source: { component: 'kubelet', host: 'node-a' },
      type: 'Warning',
      count: 1,
    });
  });

  it('gives events from different recorders in the same millisecond different names', () => {
    const store = new ObjectStore();
    const kubelet = new EventRecorder(store, { component: 'kubelet', host: 'node-a' });
    const scheduler = new EventRecorder(store, { component: 'default-scheduler' });
    for (let i = 0; i < 50; i++) {
      kubelet.record(pod, { type: 'Normal', reason: `R${i}`, message: 'm' });
      scheduler.record(pod, { type: 'Normal', reason: `R${i}`, message: 'm' });
    }
    expect(store.list('events', 'team')).toHaveLength(100);
  });
});
