import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PullFailure, PullSecretState, VerdictCode } from './api/types';
import { parseImageRef } from './image-ref';
import {
  byImpact,
  countVerdicts,
  failingFor,
  filterFailures,
  formatAge,
  groupByWorkload,
  reuseUnchanged,
  unavailableReplicas,
  overviewHref,
  parseOverviewFilters,
  podHref,
  summarizeSecretState,
  type OverviewFilters,
} from './overview';
import { VERDICT_CODES, VERDICTS } from './verdicts';

const NO_SECRETS: PullSecretState = { attached: [], matching: [], unattachedMatching: [], missing: [], malformed: [], readable: true };

/** A failing container shaped like the demo cluster's, with only what a case changes spelled out. */
function failure(overrides: Partial<PullFailure> & { verdictCode?: VerdictCode } = {}): PullFailure {
  const { verdictCode = 'missing-secret', ...rest } = overrides;
  const imageInput = rest.imageInput ?? 'ghcr.io/acme/api:2.1';
  return {
    namespace: 'team-missing',
    pod: 'api-7cc486d874-frx5g',
    container: 'api',
    containerType: 'regular',
    imageInput,
    image: parseImageRef(imageInput),
    imageError: null,
    reason: 'ImagePullBackOff',
    message: `Back-off pulling image "${imageInput}": ErrImagePull: pull access denied`,
    cause: 'unauthorized',
    verdict: {
      code: verdictCode,
      title: VERDICTS[verdictCode].label,
      explanation: 'ghcr.io refused the pull and no pull secret applies.',
      fix: 'Create a pull secret for ghcr.io and attach it.',
      secretName: null,
      partial: false,
    },
    workload: { kind: 'Deployment', name: 'api' },
    workloadPods: { failing: 1, total: 1 },
    podCreated: '2026-11-26T14:42:21Z',
    failingSince: '2026-11-26T14:43:02Z',
    pullSecrets: NO_SECRETS,
    verification: { state: 'verified', checkedAt: '2026-11-26T14:43:00Z' },
    ...rest,
  };
}

const DEMO: PullFailure[] = [
  failure({ namespace: 'cloud', pod: 'billing-56fb79d497-bw5w9', container: 'billing', imageInput: '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0', verdictCode: 'node-credentials', workload: { kind: 'Deployment', name: 'billing' } }),
  failure({
    namespace: 'default',
    pod: 'nginx-david-75f5d7d79f-m9wlc',
    container: 'nginx',
    imageInput: 'docker.io/davidpuziol/nginx',
    verdictCode: 'secret-not-attached',
    workload: { kind: 'Deployment', name: 'nginx-david' },
    pullSecrets: { ...NO_SECRETS, unattachedMatching: ['dockercreds', 'dockerreq'] },
  }),
  failure({ namespace: 'init', pod: 'with-init-75ccf4d8d7-pr99q', container: 'fetch-config', containerType: 'init', imageInput: 'ghcr.io/acme/config-loader:1.0', workload: { kind: 'Deployment', name: 'with-init' } }),
  failure({ namespace: 'team-malformed', pod: 'batch-runner', container: 'runner', imageInput: 'registry.example.com:5000/team/app:1.4', verdictCode: 'malformed-secret', workload: null }),
  failure({ namespace: 'team-refmissing', pod: 'agent-2v5c5', container: 'agent', imageInput: 'ghcr.io/acme/agent:0.9', verdictCode: 'referenced-secret-missing', workload: { kind: 'DaemonSet', name: 'agent' }, workloadPods: { failing: 2, total: 3 } }),
  failure({ namespace: 'team-refmissing', pod: 'agent-lt9qz', container: 'agent', imageInput: 'ghcr.io/acme/agent:0.9', verdictCode: 'referenced-secret-missing', workload: { kind: 'DaemonSet', name: 'agent' }, workloadPods: { failing: 2, total: 3 } }),
  failure({ namespace: 'team-missing', pod: 'api-7cc486d874-frx5g' }),
  failure({ namespace: 'team-ghcr', pod: 'api-7df9fc9db7-qknlx', verdictCode: 'secret-for-other-registry' }),
  failure({ namespace: 'typos', pod: 'web-7dc5d8f764-d78sn', container: 'web', imageInput: 'nginx:1.27-alpne', verdictCode: 'tag-not-found', workload: { kind: 'Deployment', name: 'web' } }),
];

describe('filterFailures', () => {
  it.each([
    ['', null, DEMO.length],
    ['davidpuziol', null, 1],
    ['DAVIDPUZIOL', null, 1],
    ['docker.io/library/nginx:1.27-alpne', null, 1],
    ['agent', null, 2],
    ['agent lt9qz', null, 1],
    ['daemonset', null, 2],
    ['ghcr.io', 'missing-secret', 2],
    ['', 'referenced-secret-missing', 2],
    ['secret not attached', null, 1],
    ['no-such-thing', null, 0],
    ['', 'rate-limited', 0],
  ] as const)('q=%j verdict=%s keeps %i rows', (q, verdict, expected) => {
    expect(filterFailures(DEMO, { q, verdict })).toHaveLength(expected);
  });

  it('keeps only rows that satisfy the filter, and all of them, in order', () => {
    fc.assert(
      fc.property(fc.constantFrom(...DEMO.map((item) => item.pod), 'ghcr', 'nginx', ''), fc.constantFrom(null, ...VERDICT_CODES), (q, verdict) => {
        const kept = filterFailures(DEMO, { q, verdict });
        const expected = DEMO.filter((item) => (!verdict || item.verdict.code === verdict) && JSON.stringify(item).toLowerCase().includes(q.toLowerCase()));
        expect(kept.every((item) => expected.includes(item))).toBe(true);
        expect(kept.map((item) => DEMO.indexOf(item))).toEqual([...kept.map((item) => DEMO.indexOf(item))].sort((a, b) => a - b));
      }),
    );
  });
});

describe('countVerdicts', () => {
  it('counts each verdict once per container, in the verdict table order', () => {
    expect(countVerdicts(DEMO)).toEqual([
      { code: 'missing-secret', count: 2 },
      { code: 'secret-not-attached', count: 1 },
      { code: 'secret-for-other-registry', count: 1 },
      { code: 'referenced-secret-missing', count: 2 },
      { code: 'malformed-secret', count: 1 },
      { code: 'node-credentials', count: 1 },
      { code: 'tag-not-found', count: 1 },
    ]);
  });

  it('adds up to the number of rows and lists no zero counts', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...VERDICT_CODES), { maxLength: 40 }), (codes) => {
        const counts = countVerdicts(codes.map((verdictCode) => failure({ verdictCode })));
        expect(counts.reduce((sum, { count }) => sum + count, 0)).toBe(codes.length);
        expect(counts.every(({ count }) => count > 0)).toBe(true);
        expect(new Set(counts.map(({ code }) => code)).size).toBe(counts.length);
      }),
    );
  });
});

describe('groupByWorkload', () => {
  it('puts the pods of one workload together and keeps a bare pod on its own', () => {
    const groups = groupByWorkload(DEMO);
    expect(groups.map((group) => group.key)).toEqual([
      'cloud/Deployment/billing',
      'default/Deployment/nginx-david',
      'init/Deployment/with-init',
      'team-malformed/Pod/batch-runner',
      'team-refmissing/DaemonSet/agent',
      'team-missing/Deployment/api',
      'team-ghcr/Deployment/api',
      'typos/Deployment/web',
    ]);
    const agent = groups.find((group) => group.key === 'team-refmissing/DaemonSet/agent');
    expect(agent?.pods).toEqual(['agent-2v5c5', 'agent-lt9qz']);
    expect(agent?.podCounts).toEqual({ failing: 2, total: 3 });
    expect(groups.find((group) => group.workload === null)?.pods).toEqual(['batch-runner']);
  });

  it('separates same-named workloads of different namespaces or kinds', () => {
    const groups = groupByWorkload([
      failure({ namespace: 'a', workload: { kind: 'Deployment', name: 'api' } }),
      failure({ namespace: 'b', workload: { kind: 'Deployment', name: 'api' } }),
      failure({ namespace: 'a', workload: { kind: 'StatefulSet', name: 'api' } }),
    ]);
    expect(groups).toHaveLength(3);
  });

  it('counts a pod once when several of its containers fail', () => {
    const [group] = groupByWorkload([failure({ container: 'init-a', containerType: 'init' }), failure({ container: 'main' })]);
    expect(group?.pods).toEqual(['api-7cc486d874-frx5g']);
    expect(group?.failures).toHaveLength(2);
  });

  it('loses and duplicates no row', () => {
    fc.assert(
      fc.property(fc.subarray(DEMO), (items) => {
        const rows = groupByWorkload(items).flatMap((group) => group.failures);
        expect(new Set(rows)).toEqual(new Set(items));
        expect(rows).toHaveLength(items.length);
      }),
    );
  });
});

describe('byImpact', () => {
  const at = (namespace: string, failingSince: string | null, extra: Partial<PullFailure> = {}) =>
    failure({ namespace, pod: `${namespace}-pod`, workload: { kind: 'Deployment', name: namespace }, failingSince, ...extra });

  it('puts workloads with unavailable replicas first, then the longest failing, unknown times last', () => {
    const groups = groupByWorkload([
      at('recent', '2026-12-05T10:50:00Z'),
      at('unknown', null),
      at('debug-only', '2026-12-01T00:00:00Z', { containerType: 'ephemeral' }),
      at('oldest', '2026-12-05T09:00:00Z'),
      at('anonymous', '2026-11-30T00:00:00Z', { reason: 'FailedToRetrieveImagePullSecret' }),
    ]);
    expect(byImpact(groups).map((group) => group.namespace)).toEqual(['oldest', 'recent', 'unknown', 'anonymous', 'debug-only']);
  });

  it('dates a workload by its earliest failing container', () => {
    const groups = groupByWorkload([
      at('a', '2026-12-05T10:00:00Z'),
      at('b', '2026-12-05T11:00:00Z'),
      at('b', '2026-12-05T08:00:00Z', { pod: 'b-pod-2' }),
    ]);
    expect(byImpact(groups).map((group) => group.namespace)).toEqual(['b', 'a']);
  });

  it('is a permutation that does not depend on the input order', () => {
    const times = fc.constantFrom(null, '2026-12-05T09:00:00Z', '2026-12-05T10:00:00Z', '2026-12-04T23:59:59Z');
    const item = fc.record({ namespace: fc.constantFrom('a', 'b', 'c', 'd', 'e'), since: times, ephemeral: fc.boolean() });
    fc.assert(
      fc.property(fc.uniqueArray(item, { selector: (i) => i.namespace, maxLength: 5 }), (specs) => {
        const groups = groupByWorkload(specs.map((i) => at(i.namespace, i.since, i.ephemeral ? { containerType: 'ephemeral' } : {})));
        const sorted = byImpact(groups);
        expect([...sorted].sort((x, y) => x.key.localeCompare(y.key))).toEqual([...groups].sort((x, y) => x.key.localeCompare(y.key)));
        expect(byImpact([...groups].reverse())).toEqual(sorted);
        const down = sorted.map((group) => unavailableReplicas(group) > 0);
        expect(down).toEqual([...down].sort((x, y) => Number(y) - Number(x)));
      }),
    );
  });
});

describe('unavailableReplicas', () => {
  it('counts each pod that cannot start once, whatever number of its containers fail', () => {
    const [group] = groupByWorkload([
      failure({ pod: 'api-1', container: 'api' }),
      failure({ pod: 'api-1', container: 'sidecar' }),
      failure({ pod: 'api-2', container: 'debugger', containerType: 'ephemeral' }),
      failure({ pod: 'api-3', container: 'api' }),
    ]);
    expect(unavailableReplicas(group!)).toBe(2);
  });
});

describe('reuseUnchanged', () => {
  it('keeps the previous object of every group whose rows are equal, and takes the new one of a changed group', () => {
    const before = groupByWorkload(DEMO);
    const refreshed = DEMO.map((item) => structuredClone(item));
    refreshed[1] = { ...refreshed[1]!, verdict: { ...refreshed[1]!.verdict, code: 'credentials-rejected' } };
    const after = reuseUnchanged(new Map(before.map((group) => [group.key, group])), groupByWorkload(refreshed));
    expect(after.map((group, index) => group === before[index])).toEqual(before.map((group) => group.key !== 'default/Deployment/nginx-david'));
    expect(after[1]!.failures[0]!.verdict.code).toBe('credentials-rejected');
  });

  it('takes the new group when its pod counts or rows changed in number', () => {
    const [group] = groupByWorkload([DEMO[4]!, DEMO[5]!]);
    const previous = new Map([[group!.key, group!]]);
    const [fewer] = groupByWorkload([DEMO[4]!]);
    const [counted] = groupByWorkload([DEMO[4]!, DEMO[5]!].map((item) => ({ ...item, workloadPods: { failing: 2, total: 4 } })));
    expect(reuseUnchanged(previous, [fewer!])[0]).toBe(fewer);
    expect(reuseUnchanged(previous, [counted!])[0]).toBe(counted);
  });
});

describe('failingFor', () => {
  it('is the age of the first failed pull, or null when that is unknown', () => {
    const now = Date.parse('2026-12-05T11:12:00Z');
    expect(failingFor('2026-12-05T11:00:00Z', now)).toBe('12m');
    expect(failingFor('2026-12-05T08:12:00.500Z', now)).toBe('2h');
    expect(failingFor(null, now)).toBeNull();
    expect(failingFor('not a time', now)).toBeNull();
  });
});

describe('formatAge', () => {
  const now = Date.parse('2026-11-26T15:00:00Z');
  it.each([
    ['2026-11-26T15:00:00Z', '0s'],
    ['2026-11-26T15:00:30Z', '0s'],
    ['2026-11-26T14:59:15Z', '45s'],
    ['2026-11-26T14:59:00Z', '1m'],
    ['2026-11-26T14:57:00Z', '3m'],
    ['2026-11-26T14:00:01Z', '59m'],
    ['2026-11-26T13:00:00Z', '2h'],
    ['2026-11-25T15:00:01Z', '23h'],
    ['2026-11-21T15:00:00Z', '5d'],
    ['2025-11-20T15:00:00Z', '1y'],
    ['not a time', '—'],
  ])('%s is %s old', (since, expected) => {
    expect(formatAge(since, now)).toBe(expected);
  });
});

describe('summarizeSecretState', () => {
  it.each<[Partial<PullSecretState>, string, string]>([
    [{}, 'muted', 'none'],
    [{ unattachedMatching: ['dockercreds', 'dockerreq'] }, 'warn', 'dockercreds, dockerreq not attached'],
    [{ attached: ['hub-creds'] }, 'warn', 'hub-creds does not match'],
    [{ attached: ['registry-creds'], matching: ['registry-creds'] }, 'ok', 'registry-creds matches'],
    [{ attached: ['ghcr-pull'], missing: ['ghcr-pull'] }, 'bad', 'ghcr-pull does not exist'],
    [{ attached: ['registry-creds'], malformed: ['registry-creds'] }, 'bad', 'registry-creds malformed'],
    [{ readable: false }, 'muted', 'secrets unreadable'],
    [{ readable: false, attached: ['ghcr-pull'] }, 'muted', 'ghcr-pull (unreadable)'],
  ])('%j reads as %s "%s"', (state, tone, label) => {
    expect(summarizeSecretState({ ...NO_SECRETS, ...state })).toEqual({ tone, label });
  });
});

describe('overview URLs', () => {
  it.each<[Record<string, string>, OverviewFilters]>([
    [{}, { namespace: null, q: '', verdict: null }],
    [{ namespace: 'default', q: 'nginx', verdict: 'secret-not-attached' }, { namespace: 'default', q: 'nginx', verdict: 'secret-not-attached' }],
    [{ namespace: '  ', verdict: 'no-such-verdict' }, { namespace: null, q: '', verdict: null }],
  ])('reads %j', (query, expected) => {
    expect(parseOverviewFilters(new URLSearchParams(query))).toEqual(expected);
  });

  it('writes only the filters that are set', () => {
    expect(overviewHref('sim-admin', { namespace: null, q: '', verdict: null })).toBe('/contexts/sim-admin');
    expect(overviewHref('sim-admin', { namespace: 'default', q: 'a b', verdict: 'tag-not-found' })).toBe(
      '/contexts/sim-admin?namespace=default&q=a+b&verdict=tag-not-found',
    );
    expect(podHref('kind/dev', 'default', 'nginx-1')).toBe('/contexts/kind%2Fdev/namespaces/default/pods/nginx-1');
  });

  it('reads back what it writes', () => {
    fc.assert(
      fc.property(
        // A context named "." or ".." cannot be a path segment: URLs resolve it (escaped too) as a dot segment.
        fc.string({ minLength: 1 }).filter((name) => name !== '.' && name !== '..'),
        fc.option(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/), { nil: null }),
        fc.string().filter((q) => q.trim() !== ''),
        fc.option(fc.constantFrom(...VERDICT_CODES), { nil: null }),
        (context, namespace, q, verdict) => {
          const href = overviewHref(context, { namespace, q, verdict });
          const url = new URL(href, 'http://127.0.0.1');
          expect(decodeURIComponent(url.pathname.slice('/contexts/'.length))).toBe(context);
          expect(parseOverviewFilters(url.searchParams)).toEqual({ namespace, q, verdict });
        },
      ),
    );
  });
});
