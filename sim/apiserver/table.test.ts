import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../store';
import { humanDuration, podStatusReason, toTable } from './table';

function pod(status: Record<string, unknown>, extra: { initContainers?: number; deleting?: boolean } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', creationTimestamp: '2025-01-01T00:00:00Z', ...(extra.deleting ? { deletionTimestamp: '2025-01-01T00:05:00Z' } : {}) },
    spec: {
      containers: [{ name: 'main', image: 'nginx' }],
      initContainers: Array.from({ length: extra.initContainers ?? 0 }, (_, index) => ({ name: `init-${index}`, image: 'busybox' })),
    },
    status,
  };
}

const waiting = (reason: string) => ({ state: { waiting: { reason } }, ready: false, restartCount: 0 });

describe('podStatusReason (kubectl printPod)', () => {
  it.each([
    ['a pending pod without statuses', pod({ phase: 'Pending' }), 'Pending'],
    ['a container in ImagePullBackOff', pod({ phase: 'Pending', containerStatuses: [waiting('ImagePullBackOff')] }), 'ImagePullBackOff'],
    ['a container in ErrImagePull', pod({ phase: 'Pending', containerStatuses: [waiting('ErrImagePull')] }), 'ErrImagePull'],
    ['a container in InvalidImageName', pod({ phase: 'Pending', containerStatuses: [waiting('InvalidImageName')] }), 'InvalidImageName'],
    [
      'an init container that cannot pull',
      pod({ phase: 'Pending', initContainerStatuses: [waiting('ErrImagePull')], containerStatuses: [waiting('PodInitializing')] }, { initContainers: 1 }),
      'Init:ErrImagePull',
    ],
    [
      'the second of two init containers still starting',
      pod(
        {
          phase: 'Pending',
          initContainerStatuses: [{ state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { state: { waiting: { reason: 'PodInitializing' } } }],
        },
        { initContainers: 2 },
      ),
      'Init:1/2',
    ],
    ['an init container that failed', pod({ phase: 'Pending', initContainerStatuses: [{ state: { terminated: { exitCode: 2 } } }] }, { initContainers: 1 }), 'Init:ExitCode:2'],
    ['a running ready pod', pod({ phase: 'Running', containerStatuses: [{ state: { running: {} }, ready: true }] }), 'Running'],
    ['a crash loop', pod({ phase: 'Running', containerStatuses: [{ ...waiting('CrashLoopBackOff'), restartCount: 4 }] }), 'CrashLoopBackOff'],
    ['a completed container', pod({ phase: 'Succeeded', containerStatuses: [{ state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }), 'Completed'],
    ['a terminated container without reason', pod({ phase: 'Failed', containerStatuses: [{ state: { terminated: { exitCode: 137, signal: 9 } } }] }), 'Signal:9'],
    ['an evicted pod', pod({ phase: 'Failed', reason: 'Evicted' }), 'Evicted'],
    ['a pod being deleted', pod({ phase: 'Running', containerStatuses: [{ state: { running: {} }, ready: true }] }, { deleting: true }), 'Terminating'],
  ])('%s → %s', (_name, object, expected) => {
    expect(podStatusReason(object)).toBe(expected);
  });
});

describe('humanDuration (apimachinery HumanDuration)', () => {
  const second = 1000;
  const minute = 60 * second;
  const hour = 60 * minute;
  const day = 24 * hour;
  it.each([
    [-2 * second, '<invalid>'],
    [-0.5 * second, '0s'],
    [0, '0s'],
    [119 * second, '119s'],
    [2 * minute, '2m'],
    [3 * minute + 10 * second, '3m10s'],
    [10 * minute, '10m'],
    [179 * minute, '179m'],
    [3 * hour, '3h'],
    [7 * hour + 59 * minute, '7h59m'],
    [8 * hour, '8h'],
    [47 * hour, '47h'],
    [48 * hour, '2d'],
    [49 * hour, '2d1h'],
    [8 * day, '8d'],
    [729 * day, '729d'],
    [730 * day, '2y'],
    [731 * day, '2y1d'],
    [8 * 365 * day, '8y'],
  ])('%d ms → %s', (milliseconds, expected) => {
    expect(humanDuration(milliseconds)).toBe(expected);
  });
});

describe('toTable', () => {
  const now = new Date('2025-01-01T00:10:00Z');

  it('prints pods with kubectl columns and the full metadata of each row', () => {
    const table = toTable('pods', [pod({ phase: 'Pending', podIP: '10.0.0.3', containerStatuses: [waiting('ImagePullBackOff')] })], { resourceVersion: '7' }, now);
    expect(table.columnDefinitions.filter((column) => column.priority === 0).map((column) => column.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(table.rows[0]!.cells.slice(0, 6)).toEqual(['p', '0/1', 'ImagePullBackOff', '0', '10m', '10.0.0.3']);
    expect(table.rows[0]!.object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'p', namespace: 'default' } });
    expect(table.metadata).toEqual({ resourceVersion: '7' });
  });

  it('prints restarts with how long ago the last one ended', () => {
    const restarted = pod({
      phase: 'Running',
      containerStatuses: [{ state: { running: {} }, ready: true, restartCount: 3, lastState: { terminated: { exitCode: 1, finishedAt: '2025-01-01T00:05:00Z' } } }],
    });
    expect(toTable('pods', [restarted], {}, now).rows[0]!.cells.slice(0, 4)).toEqual(['p', '1/1', 'Running', '3 (5m ago)']);
  });

  it('prints events with the count and span in LAST SEEN', () => {
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web' },
      type: 'Warning',
      reason: 'Failed',
      message: 'Failed to pull image',
      count: 3,
      firstTimestamp: '2025-01-01T00:00:00Z',
      lastTimestamp: '2025-01-01T00:09:00Z',
    };
    const cells = toTable('events', [event], {}, now).rows[0]!.cells;
    expect(cells.slice(0, 4)).toEqual(['60s (x3 over 10m)', 'Warning', 'Failed', 'pod/web']);
  });

  it('falls back to NAME and AGE, and omits column definitions when asked (watch events after the first)', () => {
    const job: KubeObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', creationTimestamp: '2025-01-01T00:09:30Z' } };
    const table = toTable('jobs', [job], {}, now, { withColumns: false });
    expect(table.columnDefinitions).toEqual([]);
    expect(table.rows[0]!.cells).toEqual(['j', '30s']);
    expect(toTable('jobs', [job], {}, now).columnDefinitions.map((column) => column.name)).toEqual(['Name', 'Age']);
  });
});
