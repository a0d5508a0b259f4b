import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FailuresResponse, PullFailure } from './api/types';
import { FIRST_SCREEN_ROWS, firstScreen } from './first-screen';
import { parseImageRef } from './image-ref';
import { byImpact, filterFailures, groupByWorkload, type OverviewFilters } from './overview';
import { VERDICT_CODES, VERDICTS, type VerdictCode } from './verdicts';

/** A failing container; a workload named '' stands for a bare pod. */
function failure(spec: { namespace: string; workload: string; pod: string; container: string; ephemeral: boolean; since: string | null; verdict: VerdictCode }): PullFailure {
  const imageInput = `ghcr.io/acme/${spec.workload || spec.pod}:1.0`;
  return {
    namespace: spec.namespace,
    pod: spec.pod,
    container: spec.container,
    containerType: spec.ephemeral ? 'ephemeral' : 'regular',
    imageInput,
    image: parseImageRef(imageInput),
    imageError: null,
    reason: 'ImagePullBackOff',
    message: 'pull access denied',
    cause: 'unauthorized',
    verdict: { code: spec.verdict, title: VERDICTS[spec.verdict].label, explanation: '', fix: '', secretName: null, partial: false },
    workload: spec.workload ? { kind: 'Deployment', name: spec.workload } : null,
    workloadPods: { failing: 1, total: 3 },
    podCreated: '2026-12-05T08:00:00Z',
    failingSince: spec.since,
    pullSecrets: { attached: [], matching: [], unattachedMatching: [], missing: [], malformed: [], readable: true },
    verification: { state: 'not-tested', checkedAt: null },
  };
}

function answer(items: PullFailure[]): FailuresResponse {
  return { items, fetchedAt: '2026-12-05T10:00:00Z', warnings: [], live: { mode: 'cluster-watch', notice: null } };
}

const NO_FILTERS: OverviewFilters = { namespace: null, q: '', verdict: null };

/** The overview's rows in the order it shows them. */
function shownOrder(items: readonly PullFailure[]): PullFailure[] {
  return byImpact(groupByWorkload(items)).flatMap((group) => group.failures);
}

/** An answer in the API's order (namespace, pod, container), with workloads of up to a few dozen pods. */
const answers = fc
  .uniqueArray(
    fc.record({
      namespace: fc.constantFrom('shop', 'team', 'web'),
      workload: fc.constantFrom('', 'api', 'worker', 'agent'),
      pod: fc.integer({ min: 0, max: 40 }).map((n) => `pod-${String(n).padStart(2, '0')}`),
      container: fc.constantFrom('app', 'sidecar'),
      ephemeral: fc.boolean(),
      since: fc.constantFrom(null, '2026-12-05T09:00:00Z', '2026-12-05T09:30:00Z', '2026-12-04T23:00:00Z'),
      verdict: fc.constantFrom(...VERDICT_CODES.slice(0, 4)),
    }),
    { selector: (spec) => `${spec.namespace}/${spec.pod}/${spec.container}`, maxLength: 120 },
  )
  .map((specs) => specs.sort((a, b) => `${a.namespace}/${a.pod}/${a.container}`.localeCompare(`${b.namespace}/${b.pod}/${b.container}`)).map(failure));

describe('firstScreen', () => {
  it('picks the rows the overview shows first, and shows them in the same order', () => {
    fc.assert(
      fc.property(answers, fc.integer({ min: 1, max: 30 }), (items, rows) => {
        const picked = firstScreen(answer(items), NO_FILTERS, rows);
        if (items.length === 0) {
          expect(picked).toBeNull();
          return;
        }
        expect(picked!.total).toBe(items.length);
        expect(picked!.items).toHaveLength(Math.min(rows, items.length));
        expect(shownOrder(picked!.items)).toEqual(shownOrder(items).slice(0, picked!.items.length));
      }),
    );
  });

  it('picks among the rows that pass the text and verdict filters, and counts them all', () => {
    fc.assert(
      fc.property(answers, fc.constantFrom('', 'api', 'pod-1', 'team worker'), fc.constantFrom(null, ...VERDICT_CODES.slice(0, 4)), (items, q, verdict) => {
        const filters = { namespace: 'team', q, verdict };
        const passing = filterFailures(items, filters);
        const picked = firstScreen(answer(items), filters, 10);
        if (passing.length === 0) {
          expect(picked).toBeNull();
          return;
        }
        expect(picked).toMatchObject({ filters, total: passing.length });
        expect(shownOrder(picked!.items)).toEqual(shownOrder(passing).slice(0, picked!.items.length));
      }),
    );
  });

  it('cuts a workload larger than the screen short rather than leave the screen empty', () => {
    const items = Array.from({ length: 40 }, (_, n) =>
      failure({ namespace: 'shop', workload: 'api', pod: `api-${String(n).padStart(2, '0')}`, container: 'app', ephemeral: false, since: null, verdict: 'missing-secret' }),
    );
    const picked = firstScreen(answer(items), NO_FILTERS);
    expect(picked!.items).toEqual(items.slice(0, FIRST_SCREEN_ROWS));
    expect(picked!.total).toBe(40);
  });
});
