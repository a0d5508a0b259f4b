import { beforeAll, describe, expect, it } from 'vitest';
import type { FailuresResponse } from '../../lib/api/types';
import { incidentFixPlan } from '../../lib/incident-fix';
import { groupIncidents } from '../../lib/incidents';
import { listPullFailures } from '../../lib/kube/failures';
import { getPodDiagnosis } from '../../lib/kube/pod-detail';
import { sharedVerifier } from '../../lib/kube/verification';
import { VERIFIED_VERDICT_CODES } from '../../lib/verdicts';
import { CREDENTIAL_CODES } from '../../lib/pull-verification';
import { DEMO_WORKLOADS } from '../../e2e/support/demo-scenario';
import { simCliForFile } from '../support/sim-cli';
import { waitUntil } from '../support/wait';

/**
 * The whole simulated cluster from the CLI with the demo scenario: a real kubelet pulling from the scenario's
 * registries wrote these statuses and events, so this checks lib/kube against a cluster it did not seed.
 */
simCliForFile('demo', { verifyCredentials: true });

/**
 * The simulated kubelet starts pulling once the server is ready: wait until the failing containers stop
 * changing, that is, until three reads a second apart after the first one agree.
 */
async function settledFailures(): Promise<FailuresResponse> {
  const key = (result: FailuresResponse) => result.items.map((item) => `${item.namespace}/${item.pod}/${item.container}/${item.verdict.code}`).join(' ');
  let previous = await listPullFailures('sim-admin', null);
  let stableRounds = 0;
  return waitUntil(
    async () => {
      const current = await listPullFailures('sim-admin', null);
      stableRounds = current.items.length > 0 && key(current) === key(previous) ? stableRounds + 1 : 0;
      previous = current;
      return stableRounds >= 3 && current;
    },
    { what: "the demo cluster's pull failures to settle", timeoutMs: 40_000, intervalMs: 1_000 },
  );
}

describe('the demo scenario', () => {
  let admin: FailuresResponse;
  beforeAll(async () => {
    admin = await settledFailures();
  }, 60_000);

  it('tells the tutorial story: the private image fails, the public one is not listed', () => {
    const david = admin.items.filter((item) => item.image?.repository === 'davidpuziol/nginx');
    expect(david.length).toBeGreaterThan(0);
    for (const item of david) {
      expect(item.cause).toBe('unauthorized');
      expect(item.verdict.code).toBe('no-working-credential');
      expect(item.verification.state).toBe('verified');
    }
    expect(admin.items.filter((item) => item.image?.repository === 'library/nginx' && item.cause === 'unauthorized')).toEqual([]);
    expect(admin.warnings).toEqual([]);
  });

  it('diagnoses every failure the kubelet reported with a verdict that names its cause', () => {
    for (const item of admin.items) {
      expect(item.verdict.explanation.length).toBeGreaterThan(0);
      if (item.cause === 'unauthorized') expect(item.verdict.code).not.toBe('unknown');
    }
    const codes = new Set(admin.items.map((item) => item.verdict.code));
    for (const code of ['secret-not-attached', 'credentials-rejected', 'tag-not-found', 'registry-unreachable', 'invalid-reference', 'never-pull']) {
      expect(codes).toContain(code);
    }
  });

  it.each(DEMO_WORKLOADS.filter((row) => row.verdict !== null))(
    '$namespace/$workload ($container): $verdict',
    ({ namespace, workload, container, verdict }) => {
      const items = admin.items.filter(
        (item) => item.namespace === namespace && (item.workload?.name ?? item.pod) === workload && item.container === container,
      );
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) {
        expect(item.verdict.code).toBe(verdict);
        const tested = item.cause === 'unauthorized' && (CREDENTIAL_CODES.has(item.verdict.code) || VERIFIED_VERDICT_CODES.some((code) => code === verdict));
        if (tested) expect(item.verification.state).toBe('verified');
        else expect(item.verification).toEqual({ state: 'not-tested', checkedAt: null });
      }
    },
  );

  it('lists no healthy demo workload', () => {
    for (const row of DEMO_WORKLOADS.filter((entry) => entry.verdict === null)) {
      expect(admin.items.filter((item) => item.namespace === row.namespace && (item.workload?.name ?? item.pod) === row.workload)).toEqual([]);
    }
  });

  it('keeps "attach ghcr-creds" for the Job whose unattached secret can pull', () => {
    const migrate = admin.items.find((item) => item.namespace === 'team-unattached');
    expect(migrate?.verdict).toMatchObject({ code: 'secret-not-attached', secretName: 'ghcr-creds' });
  });

  it('shows nginx-david\'s matching secrets rejected, and no password anywhere', async () => {
    const item = admin.items.find((entry) => entry.namespace === 'default' && entry.workload?.name === 'nginx-david');
    const detail = await getPodDiagnosis('sim-admin', 'default', item?.pod ?? '');
    const nginx = detail.containers.find((container) => container.name === 'nginx');
    expect(nginx?.verdict?.code).toBe('no-working-credential');
    const local = nginx?.candidates.filter((candidate) => candidate.namespace === 'default');
    expect(local?.map((candidate) => [candidate.secret, candidate.username, candidate.check.result])).toEqual([
      ['dockercreds', 'otheruser', 'rejected'],
      ['dockerreq', 'reqbot', 'rejected'],
    ]);
    expect(nginx?.candidates.some((candidate) => candidate.check.result === 'can-pull')).toBe(false);
    const json = JSON.stringify(detail);
    for (const password of ['other-pass', 'req-pass', 'hubbot-pass', 'ghp_revoked-token']) expect(json).not.toContain(password);
  });

  it.each([
    ['team-access', 'intern-creds', 'no-access'],
    ['team-typo', 'ghcr-creds', 'not-found'],
    ['team-merge', 'multi-creds', 'rejected'],
  ])('%s: the attached %s is %s', async (namespace, secret, result) => {
    const item = admin.items.find((entry) => entry.namespace === namespace);
    const detail = await getPodDiagnosis('sim-admin', namespace, item?.pod ?? '');
    const attached = detail.containers[0]?.candidates.find((candidate) => candidate.origin === 'pod');
    expect(attached).toMatchObject({ secret, check: { result } });
  });

  it('groups the demo incident, one rotated password behind four workloads in two namespaces, into one incident with one fix', () => {
    const incidents = groupIncidents(admin.items).filter((incident) => incident.failures.some((item) => item.namespace.startsWith('store-')));
    expect(incidents).toHaveLength(1);
    const [incident] = incidents;
    expect(incident?.failures.every((item) => item.namespace.startsWith('store-'))).toBe(true);
    expect(incident?.radius.workloads.map((target) => `${target.namespace}/${target.workload.name}`)).toEqual([
      'store-back/cart',
      'store-back/checkout',
      'store-front/catalog',
      'store-front/web',
    ]);
    expect(incident?.action).toEqual({ kind: 'replace-secret', secretName: 'harbor-robot', registry: 'harbor.example.com', namespaces: ['store-back', 'store-front'] });
    const plan = incidentFixPlan(incident!);
    expect(plan).toMatchObject({ source: 'new', secretName: 'harbor-robot', server: 'harbor.example.com', replaceExisting: true, namespaces: ['store-back', 'store-front'], skipped: [] });
    expect(plan?.targets).toHaveLength(4);
  });

  it('makes at most one registry test per (credential, repository) over every query of the cache period', () => {
    const perRepository = new Map<string, number>();
    for (const [key, count] of sharedVerifier().probesStarted) {
      const repository = key.slice(0, key.lastIndexOf('@'));
      perRepository.set(repository, (perRepository.get(repository) ?? 0) + count);
    }
    expect(perRepository.size).toBeGreaterThan(5);
    expect([...perRepository.values()].every((count) => count === 1)).toBe(true);
  });

  it('gives the viewer a degraded diagnosis with a warning per namespace it could not read', async () => {
    const viewer = await listPullFailures('sim-viewer', null);
    expect(viewer.items.map((item) => `${item.namespace}/${item.pod}/${item.container}`)).toEqual(
      admin.items.map((item) => `${item.namespace}/${item.pod}/${item.container}`),
    );
    const affected = [...new Set(admin.items.map((item) => item.namespace))].sort();
    expect(viewer.warnings.filter((warning) => warning.code === 'secrets-forbidden').map((warning) => warning.namespace)).toEqual(affected);
  });

  it('opens the pod detail of every failing pod', async () => {
    const pods = [...new Map(admin.items.map((item) => [`${item.namespace}/${item.pod}`, item])).values()];
    for (const item of pods) {
      const detail = await getPodDiagnosis('sim-admin', item.namespace, item.pod);
      expect(detail.containers.some((container) => container.failing || container.name === item.container)).toBe(true);
      expect(detail.events.length).toBeGreaterThan(0);
    }
  });
});
