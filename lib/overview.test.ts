import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PullFailure, PullSecretState, VerdictCode } from './api/types';
import { parseImageRef } from './image-ref';
import {
  countVerdicts,
  filterFailures,
  formatAge,
  groupByWorkload,
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
