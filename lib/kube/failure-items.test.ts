import type { CoreV1Event } from '@kubernetes/client-node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstPullFailure } from './failure-items';

function event(reason: string, message: string, firstTimestamp: string, container = 'app', pod = 'web-1'): CoreV1Event {
  return {
    metadata: { name: `${pod}.${reason}.${firstTimestamp}` },
    involvedObject: { kind: 'Pod', name: pod, fieldPath: container ? `spec.containers{${container}}` : undefined },
    reason,
    message,
    firstTimestamp: new Date(firstTimestamp),
    lastTimestamp: new Date('2026-12-05T12:00:00Z'),
  };
}

const PULLED = event('Pulling', 'Pulling image "nginx:1.99"', '2026-12-05T09:00:00Z');
const FAILED = event('Failed', 'Failed to pull image "nginx:1.99": not found', '2026-12-05T10:00:00Z');
const ERR = event('Failed', 'Error: ErrImagePull', '2026-12-05T10:00:01Z');
const BACK_OFF = event('BackOff', 'Back-off pulling image "nginx:1.99"', '2026-12-05T10:00:30Z');

describe('firstPullFailure', () => {
  it("is the oldest firstTimestamp among the container's pull-failure events", () => {
    expect(firstPullFailure([BACK_OFF, ERR, FAILED, PULLED], 'web-1', 'app', false)).toBe('2026-12-05T10:00:00Z');
  });

  it('ignores other pods, other containers and failures that are not about pulling', () => {
    const events = [
      event('Failed', 'Failed to pull image "x": denied', '2026-12-05T08:00:00Z', 'app', 'web-2'),
      event('Failed', 'Failed to pull image "x": denied', '2026-12-05T08:00:00Z', 'sidecar'),
      event('BackOff', 'Back-off restarting failed container app in pod web-1', '2026-12-05T08:00:00Z'),
      event('Failed', 'Error: failed to create containerd task', '2026-12-05T08:00:00Z'),
      BACK_OFF,
    ];
    expect(firstPullFailure(events, 'web-1', 'app', false)).toBe('2026-12-05T10:00:30Z');
  });

  it("counts the pod's missing-secret warning only for items that rest on it", () => {
    const warning = event('FailedToRetrieveImagePullSecret', 'Unable to retrieve some image pull secrets (regcred)', '2026-12-05T07:00:00Z', '');
    expect(firstPullFailure([warning, FAILED], 'web-1', 'app', true)).toBe('2026-12-05T07:00:00Z');
    expect(firstPullFailure([warning, FAILED], 'web-1', 'app', false)).toBe('2026-12-05T10:00:00Z');
  });

  it('falls back to eventTime for events.k8s.io-style events, and is null when nothing is known', () => {
    const series: CoreV1Event = { ...FAILED, firstTimestamp: undefined, lastTimestamp: undefined, eventTime: new Date('2026-12-05T09:30:00.123Z') };
    expect(firstPullFailure([series], 'web-1', 'app', false)).toBe('2026-12-05T09:30:00.123Z');
    expect(firstPullFailure([PULLED], 'web-1', 'app', false)).toBeNull();
    expect(firstPullFailure([], 'web-1', 'app', false)).toBeNull();
  });

  it('does not depend on the order events are listed in', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([PULLED, FAILED, ERR, BACK_OFF], { minLength: 1 }), (events) => {
        const shuffledResult = firstPullFailure(events, 'web-1', 'app', false);
        expect(firstPullFailure([...events].reverse(), 'web-1', 'app', false)).toBe(shuffledResult);
        const times = events.filter((e) => e !== PULLED).map((e) => e.firstTimestamp!.getTime());
        expect(shuffledResult).toBe(times.length ? new Date(Math.min(...times)).toISOString().replace(/\.000Z$/, 'Z') : null);
      }),
    );
  });
});
