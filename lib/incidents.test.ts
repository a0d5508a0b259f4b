import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PullFailure, PullFailureCause, VerdictCode } from './api/types';
import { parseImageRef } from './image-ref';
import { incidentFixPlan } from './incident-fix';
import { groupIncidents, type IncidentInput } from './incidents';
import { VERDICT_CODES, VERDICTS } from './verdicts';

interface Case {
  namespace?: string;
  pod?: string;
  workload?: string | null;
  /** The workload's kind; a Deployment unless said. */
  kind?: string;
  image?: string;
  verdict?: VerdictCode;
  cause?: PullFailureCause;
  secret?: string | null;
  failing?: number;
  context?: string;
  failingSince?: string | null;
}

/** A failing container with only what a case changes spelled out. */
function failure(c: Case = {}): IncidentInput {
  const imageInput = c.image ?? 'docker.io/library/nginx:1.27';
  const verdict = c.verdict ?? 'rate-limited';
  const workload = c.workload === undefined ? 'web' : c.workload;
  const pod = c.pod ?? `${workload ?? 'bare'}-6d4b7c9f8-x${Math.abs(hash(`${c.namespace}/${workload}`)) % 1000}`;
  const item: PullFailure = {
    namespace: c.namespace ?? 'shop',
    pod,
    container: 'main',
    containerType: 'regular',
    imageInput,
    image: parseImageRef(imageInput),
    imageError: null,
    reason: 'ImagePullBackOff',
    message: 'Back-off pulling image',
    cause: c.cause ?? 'rate-limit',
    verdict: { code: verdict, title: VERDICTS[verdict].label, explanation: '', fix: '', secretName: c.secret ?? null, partial: false },
    workload: workload === null ? null : { kind: c.kind ?? 'Deployment', name: workload },
    workloadPods: { failing: c.failing ?? 1, total: 3 },
    podCreated: '2026-12-01T10:00:00Z',
    failingSince: null,
    pullSecrets: { attached: [], matching: [], unattachedMatching: [], missing: [], malformed: [], readable: true },
    verification: { state: 'not-tested', checkedAt: null },
  };
  return { ...item, ...(c.context === undefined ? {} : { context: c.context }), failingSince: c.failingSince ?? null };
}

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}

describe('groupIncidents', () => {
  it('makes one incident of one registry rate-limiting six workloads, with a check rather than a fix', () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f'].map((name, i) =>
      failure({ workload: name, namespace: i < 3 ? 'shop' : 'team', verdict: 'rate-limited', cause: 'rate-limit' }),
    );
    const incidents = groupIncidents(items);
    expect(incidents).toHaveLength(1);
    const [incident] = incidents;
    expect(incident?.verdict).toBe('rate-limited');
    expect(incident?.registry).toBe('docker.io');
    expect(incident?.radius.workloads).toHaveLength(6);
    expect(incident?.radius.namespaces).toEqual(['shop', 'team']);
    expect(incident?.action.kind).toBe('check');
  });

  it('keeps two causes on one registry as two incidents', () => {
    const incidents = groupIncidents([
      failure({ workload: 'a', verdict: 'rate-limited', cause: 'rate-limit' }),
      failure({ workload: 'b', verdict: 'registry-unreachable', cause: 'tls' }),
      failure({ workload: 'c', verdict: 'registry-unreachable', cause: 'dns' }),
    ]);
    expect(incidents.map((incident) => incident.verdict).sort()).toEqual(['rate-limited', 'registry-unreachable', 'registry-unreachable']);
    const tls = incidents.find((incident) => incident.cause === 'tls');
    expect(tls?.action).toEqual({ kind: 'check', what: "Check TLS: the nodes do not trust docker.io's certificate" });
  });

  it('makes one copy-to-namespaces incident of the same missing secret name in three namespaces', () => {
    const items = ['shop', 'team', 'ops'].map((namespace) =>
      failure({ namespace, workload: `api-${namespace}`, verdict: 'referenced-secret-missing', cause: 'unauthorized', secret: 'regcred', image: 'ghcr.io/acme/api:2' }),
    );
    const incidents = groupIncidents(items);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.action).toEqual({ kind: 'copy-secret', secretName: 'regcred', namespaces: ['ops', 'shop', 'team'] });
  });

  it('groups one rejected credential used by four workloads in two namespaces, apart from another secret', () => {
    const rejected = (workload: string, namespace: string, secret: string) =>
      failure({ workload, namespace, verdict: 'credentials-rejected', cause: 'unauthorized', secret, image: 'registry.acme.io/team/app:1' });
    const incidents = groupIncidents([
      rejected('a', 'shop', 'acme-pull'),
      rejected('b', 'shop', 'acme-pull'),
      rejected('c', 'team', 'acme-pull'),
      rejected('d', 'team', 'acme-pull'),
      rejected('e', 'team', 'other-pull'),
    ]);
    expect(incidents.map((incident) => [incident.secretName, incident.radius.workloads.length])).toEqual([
      ['acme-pull', 4],
      ['other-pull', 1],
    ]);
    expect(incidents[0]?.action).toEqual({ kind: 'replace-secret', secretName: 'acme-pull', registry: 'registry.acme.io', namespaces: ['shop', 'team'] });
  });

  it('offers one attach of the unattached secret to every workload that needs it', () => {
    const incidents = groupIncidents([
      failure({ workload: 'a', verdict: 'secret-not-attached', cause: 'unauthorized', secret: 'ghcr-creds', image: 'ghcr.io/acme/a:1' }),
      failure({ workload: 'b', verdict: 'secret-not-attached', cause: 'unauthorized', secret: 'ghcr-creds', image: 'ghcr.io/acme/b:1' }),
    ]);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.action).toMatchObject({ kind: 'attach-secret', secretName: 'ghcr-creds' });
    expect(incidents[0]?.action.kind === 'attach-secret' && incidents[0].action.targets.map((t) => t.workload.name)).toEqual(['a', 'b']);
  });

  it('makes one bad tag one incident, and another tag of the same repository another', () => {
    const incidents = groupIncidents([
      failure({ workload: 'a', verdict: 'tag-not-found', cause: 'not-found', image: 'nginx:1.27-alpne' }),
      failure({ workload: 'b', verdict: 'tag-not-found', cause: 'not-found', image: 'docker.io/library/nginx:1.27-alpne' }),
      failure({ workload: 'c', verdict: 'tag-not-found', cause: 'not-found', image: 'nginx:9.9' }),
    ]);
    expect(incidents.map((incident) => [incident.image, incident.radius.workloads.length])).toEqual([
      ['docker.io/library/nginx:1.27-alpne', 2],
      ['docker.io/library/nginx:9.9', 1],
    ]);
  });

  it('counts pods, workloads and unavailable replicas once each', () => {
    const [incident] = groupIncidents([
      failure({ workload: 'a', pod: 'a-1', failing: 2 }),
      failure({ workload: 'a', pod: 'a-2', failing: 2 }),
      failure({ workload: 'a', pod: 'a-2', failing: 2 }),
      failure({ workload: null, pod: 'lonely' }),
    ]);
    expect(incident?.radius.pods).toBe(3);
    expect(incident?.radius.workloads.map((target) => target.workload)).toEqual([
      { kind: 'Deployment', name: 'a' },
      { kind: 'Pod', name: 'lonely' },
    ]);
    expect(incident?.radius.unavailableReplicas).toBe(3);
  });

  it('puts the longest-failing incident first, unknown starts last, and takes the earliest member start', () => {
    const incidents = groupIncidents([
      failure({ workload: 'new', verdict: 'rate-limited', failingSince: '2026-12-05T10:00:00Z' }),
      failure({ workload: 'x', verdict: 'tag-not-found', cause: 'not-found', image: 'nginx:bad', failingSince: null }),
      failure({ workload: 'old', verdict: 'registry-unreachable', cause: 'dns', image: 'quay.io/a/b:1', failingSince: '2026-12-05T09:00:00Z' }),
      failure({ workload: 'old2', verdict: 'registry-unreachable', cause: 'dns', image: 'quay.io/a/c:1', failingSince: '2026-12-05T08:30:00Z' }),
    ]);
    expect(incidents.map((incident) => incident.verdict)).toEqual(['registry-unreachable', 'rate-limited', 'tag-not-found']);
    expect(incidents[0]?.failingSince).toBe('2026-12-05T08:30:00Z');
  });

  it('compares failing with running pulls per registry from the evidence given', () => {
    const [incident] = groupIncidents([failure({ workload: 'a' }), failure({ workload: 'b' })], {
      runningByRegistry: new Map([['docker.io', 40]]),
    });
    expect(incident?.registryPulls).toEqual({ failing: 2, running: 40 });
    expect(groupIncidents([failure({ workload: 'a' })])[0]?.registryPulls, 'no evidence, no claim').toBeNull();
  });

  it('makes one incident of a registry failing in two clusters, but keeps secrets apart per cluster', () => {
    const incidents = groupIncidents([
      failure({ context: 'prod', workload: 'a', verdict: 'registry-unreachable', cause: 'network' }),
      failure({ context: 'staging', workload: 'a', verdict: 'registry-unreachable', cause: 'network' }),
      failure({ context: 'prod', workload: 'b', verdict: 'secret-not-attached', cause: 'unauthorized', secret: 'regcred' }),
      failure({ context: 'staging', workload: 'b', verdict: 'secret-not-attached', cause: 'unauthorized', secret: 'regcred' }),
    ]);
    const unreachable = incidents.filter((incident) => incident.verdict === 'registry-unreachable');
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0]?.radius.contexts).toEqual(['prod', 'staging']);
    expect(incidents.filter((incident) => incident.verdict === 'secret-not-attached')).toHaveLength(2);
  });

  const arbitraryFailure = fc
    .record({
      namespace: fc.constantFrom('shop', 'team', 'ops'),
      workload: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null }),
      pod: fc.constantFrom('p1', 'p2', 'p3', 'p4'),
      image: fc.constantFrom('nginx', 'ghcr.io/acme/api:2', 'quay.io/x/y@sha256:' + 'a'.repeat(64), 'registry.acme.io:5000/t/app:1'),
      verdict: fc.constantFrom(...VERDICT_CODES),
      cause: fc.constantFrom<PullFailureCause>('unauthorized', 'not-found', 'dns', 'tls', 'rate-limit', 'unknown'),
      secret: fc.option(fc.constantFrom('regcred', 'ghcr-creds'), { nil: null }),
      context: fc.constantFrom('prod', 'staging'),
      failingSince: fc.option(fc.constantFrom('2026-12-05T08:00:00Z', '2026-12-05T09:00:00Z'), { nil: null }),
    })
    .map((c) => failure(c));

  it('puts every failure in exactly one incident, and every member shares its verdict', () => {
    fc.assert(
      fc.property(fc.array(arbitraryFailure, { maxLength: 40 }), (items) => {
        const incidents = groupIncidents(items);
        const members = incidents.flatMap((incident) => incident.failures);
        expect(members).toHaveLength(items.length);
        expect(new Set(members).size).toBe(items.length);
        for (const incident of incidents) {
          for (const member of incident.failures) expect(member.verdict.code).toBe(incident.verdict);
          expect(incident.radius.unavailableReplicas).toBeGreaterThanOrEqual(incident.radius.workloads.length);
        }
      }),
    );
  });

  it('does not depend on the order of the input', () => {
    fc.assert(
      fc.property(fc.array(arbitraryFailure, { maxLength: 30 }).chain((items) => fc.tuple(fc.constant(items), fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }))), ([items, shuffled]) => {
        const summary = (list: IncidentInput[]) =>
          groupIncidents(list).map((incident) => [incident.key, incident.failures.length, incident.radius.pods, incident.failingSince]);
        expect(summary(shuffled)).toEqual(summary(items));
      }),
    );
  });
});

describe('incidentFixPlan: one fix for the whole incident', () => {
  const rejected = (workload: string, namespace: string, extra: Case = {}) =>
    failure({ workload, namespace, verdict: 'credentials-rejected', cause: 'unauthorized', secret: 'harbor-robot', image: `harbor.example.com/store/${workload}:1`, ...extra });

  it('makes the shared expired credential one incident with one fix: new data for the secret in every namespace, every workload once', () => {
    const incidents = groupIncidents([
      rejected('web', 'store-front', { pod: 'web-1' }),
      rejected('web', 'store-front', { pod: 'web-2' }),
      rejected('catalog', 'store-front'),
      rejected('cart', 'store-back'),
      rejected('checkout', 'store-back'),
    ]);
    expect(incidents).toHaveLength(1);
    expect(incidentFixPlan(incidents[0]!)).toEqual({
      source: 'new',
      secretName: 'harbor-robot',
      server: 'harbor.example.com',
      replaceExisting: true,
      namespaces: ['store-back', 'store-front'],
      targets: [
        { namespace: 'store-front', pod: 'web-1', container: 'main' },
        { namespace: 'store-front', pod: expect.stringMatching(/^catalog-/), container: 'main' },
        { namespace: 'store-back', pod: expect.stringMatching(/^cart-/), container: 'main' },
        { namespace: 'store-back', pod: expect.stringMatching(/^checkout-/), container: 'main' },
      ],
      skipped: [],
    });
  });

  it.each([
    ['secret-not-attached', 'existing', 'ghcr-creds', undefined],
    ['missing-secret', 'new', 'regcred-ghcr-io', false],
    ['referenced-secret-missing', 'new', 'ghcr-creds', false],
    ['credentials-rejected', 'new', 'ghcr-creds', true],
  ] as const)('%s: one %s secret %s for every namespace', (verdict, source, secretName, replaceExisting) => {
    const [incident] = groupIncidents(
      ['shop', 'team', 'ops'].map((namespace) => failure({ namespace, workload: 'api', verdict, cause: 'unauthorized', secret: 'ghcr-creds', image: 'ghcr.io/acme/api:2' })),
    );
    const plan = incidentFixPlan(incident!);
    expect(plan).toMatchObject({ source, secretName, namespaces: ['ops', 'shop', 'team'] });
    expect(plan?.targets).toHaveLength(3);
    if (plan?.source === 'new') expect({ server: plan.server, replaceExisting: plan.replaceExisting }).toEqual({ server: 'ghcr.io', replaceExisting });
  });

  it('offers no incident fix where the action is a check, a restart, a new tag or per workload', () => {
    for (const c of [
      { verdict: 'rate-limited', cause: 'rate-limit' },
      { verdict: 'registry-unreachable', cause: 'dns' },
      { verdict: 'pod-predates-service-account', cause: 'unauthorized', secret: 'regcred' },
      { verdict: 'tag-not-found', cause: 'not-found' },
      { verdict: 'unknown', cause: 'unknown' },
    ] as const) {
      expect(incidentFixPlan(groupIncidents([failure({ ...c, workload: 'a' })])[0]!), c.verdict).toBeNull();
    }
  });

  it('leaves bare pods and Jobs to their own rows, and fixes nothing from the fleet view', () => {
    const [incident] = groupIncidents([rejected('web', 'shop'), rejected('once', 'shop', { kind: 'Job' }), failure({ workload: null, pod: 'lonely', namespace: 'shop', verdict: 'credentials-rejected', cause: 'unauthorized', secret: 'harbor-robot', image: 'harbor.example.com/store/x:1' })]);
    const plan = incidentFixPlan(incident!);
    expect(plan?.targets.map((target) => target.pod)).toEqual([expect.stringMatching(/^web-/)]);
    expect(plan?.skipped.map((target) => `${target.workload.kind} ${target.workload.name}`)).toEqual(['Job once', 'Pod lonely']);
    const [fleet] = groupIncidents([rejected('web', 'shop', { context: 'prod' })]);
    expect(incidentFixPlan(fleet!)).toBeNull();
  });
});
