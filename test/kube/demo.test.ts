import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailuresResponse } from '../../lib/api/types';
import { reloadKubeConfig } from '../../lib/kube/config';
import { listPullFailures } from '../../lib/kube/failures';
import { getPodDiagnosis } from '../../lib/kube/pod-detail';
import { startSimCli, type SimProcess } from '../support/sim-cli';
import { waitUntil } from '../support/wait';

/**
 * The whole simulated cluster from the CLI with the demo scenario: a real kubelet pulling from the scenario's
 * registries wrote these statuses and events, so this checks lib/kube against a cluster it did not seed.
 */
let simulator: SimProcess | null = null;

beforeAll(async () => {
  simulator = await startSimCli('demo');
  process.env.PULLFIX_KUBECONFIG = simulator.kubeconfig;
  reloadKubeConfig();
}, 100_000);

afterAll(async () => {
  delete process.env.PULLFIX_KUBECONFIG;
  reloadKubeConfig();
  await simulator?.stop();
});

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
      expect(['missing-secret', 'secret-not-attached']).toContain(item.verdict.code);
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
