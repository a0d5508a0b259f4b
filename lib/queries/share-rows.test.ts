import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FailuresResponse, PullFailure } from '../api/types';
import { failureId } from '../failures-stream';
import { shareUnchangedRows } from './share-rows';

const PODS = ['web-1', 'web-2', 'api-1', 'api-2'];
const MESSAGES = ['pull access denied', 'back-off pulling image'];

/** A fresh object per call, as each answer of the API parses into. */
function row(pod: string, message: string): PullFailure {
  return JSON.parse(
    JSON.stringify({
      namespace: 'shop',
      pod,
      container: 'app',
      containerType: 'regular',
      imageInput: 'ghcr.io/acme/api:2.1',
      image: null,
      imageError: null,
      reason: 'ImagePullBackOff',
      message,
      cause: 'unauthorized',
      verdict: { code: 'missing-secret', title: 'Missing pull secret', explanation: '', fix: '', secretName: null, partial: false },
      workload: { kind: 'Deployment', name: pod.split('-')[0] },
      workloadPods: { failing: 1, total: 2 },
      podCreated: '2026-11-26T14:42:21Z',
      failingSince: '2026-11-26T14:42:30Z',
      pullSecrets: { attached: [], matching: [], unattachedMatching: [], missing: [], malformed: [], readable: true },
      verification: { state: 'not-tested', checkedAt: null },
    }),
  ) as PullFailure;
}

function answer(rows: [pod: string, message: string][], fetchedAt = '2026-11-26T14:45:00Z'): FailuresResponse {
  return { items: rows.map(([pod, message]) => row(pod, message)), fetchedAt, warnings: [], live: { mode: 'cluster-watch', notice: null } };
}

/** Any subset of the pods, in any order, each with either message. */
const anyRows = fc.uniqueArray(fc.tuple(fc.constantFrom(...PODS), fc.constantFrom(...MESSAGES)), { selector: ([pod]) => pod, maxLength: PODS.length });

describe('shareUnchangedRows', () => {
  it('keeps the held list when a new read finds every row as it was', () => {
    const held = answer([['web-1', MESSAGES[0]!], ['api-1', MESSAGES[1]!]]);
    const shared = shareUnchangedRows(held, answer([['web-1', MESSAGES[0]!], ['api-1', MESSAGES[1]!]], '2026-11-26T14:45:05Z'));
    expect(shared.items).toBe(held.items);
    expect(shared.fetchedAt).toBe('2026-11-26T14:45:05Z');
  });

  it('takes the answer as it is when nothing is held', () => {
    const next = answer([['web-1', MESSAGES[0]!]]);
    expect(shareUnchangedRows(undefined, next)).toBe(next);
  });

  it('equals the new answer, and every row equal to the held row of its id is that held object', () => {
    fc.assert(
      fc.property(anyRows, anyRows, (before, after) => {
        const held = answer(before);
        const next = answer(after, '2026-11-26T14:45:05Z');
        const shared = shareUnchangedRows(held, next);
        expect(shared).toEqual(next);
        const heldById = new Map(held.items.map((item) => [failureId(item), item]));
        for (const item of shared.items) {
          const old = heldById.get(failureId(item));
          if (old && JSON.stringify(old) === JSON.stringify(item)) expect(item).toBe(old);
        }
      }),
    );
  });
});
