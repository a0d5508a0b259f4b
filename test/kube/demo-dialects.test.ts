import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WORKLOADS } from '../../e2e/support/demo-scenario';
import type { FailuresResponse, PullFailure } from '../../lib/api/types';
import { listPullFailures } from '../../lib/kube/failures';
import { getPodDiagnosis } from '../../lib/kube/pod-detail';
import { RUNTIME_DIALECTS, startSim, type RunningSim, type RuntimeDialect } from '../../sim/testing';
import { waitUntil } from '../support/wait';
import { pointAppAtCluster } from '../support/app-cluster';

/**
 * Every demo case played in every runtime's words (`--runtime`): the kubelet's messages change, the causes and
 * verdicts do not. The causes are checked against the default dialect's run, the verdicts against the demo's
 * table (e2e/support/demo-scenario.ts), and each dialect must show words only it uses, so a flag that is
 * ignored fails the test.
 */
const FAILING = DEMO_WORKLOADS.filter((row) => row.verdict !== null);

/** Words each dialect uses and the others do not, somewhere in the demo's failures. */
const DIALECT_MARKS: Record<RuntimeDialect, RegExp> = {
  'containerd-2': /unexpected status from HEAD request to /,
  'containerd-1.6': /pulling from host \S+ failed with status code \[manifests /,
  'cri-o': /initializing source docker:\/\/.*reading manifest \S+ in /,
  docker: /Error response from daemon: /,
};

const rowKey = (item: { namespace: string; container: string }, workload: string) => `${item.namespace}/${workload}/${item.container}`;

function workloadOf(item: PullFailure): string {
  return item.workload?.name ?? item.pod;
}

/** Waits until every failing demo case is listed and the list has not changed over three reads in a row. */
async function settled(): Promise<FailuresResponse> {
  const signature = (result: FailuresResponse) => result.items.map((item) => `${rowKey(item, workloadOf(item))}=${item.verdict.code}:${item.cause}`).sort().join(' ');
  let previous = '';
  let stableRounds = 0;
  return waitUntil(
    async () => {
      const last = await listPullFailures('sim-admin', null);
      const listed = new Set(last.items.map((item) => rowKey(item, workloadOf(item))));
      const complete = FAILING.every((row) => listed.has(`${row.namespace}/${row.workload}/${row.container}`));
      const current = signature(last);
      stableRounds = complete && current === previous ? stableRounds + 1 : 0;
      previous = current;
      return stableRounds >= 3 && last;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: 'the demo cluster to settle' },
  );
}

const runs = new Map<RuntimeDialect, FailuresResponse>();

describe.each(RUNTIME_DIALECTS.map((runtime) => ({ runtime })))('the demo in $runtime words', ({ runtime }) => {
  let sim: RunningSim | null = null;
  let restoreApp = (): void => undefined;

  beforeAll(async () => {
    sim = await startSim([process.execPath, '--import', 'tsx'], ['--scenario', 'demo', '--backoff-ms', '300', '--runtime', runtime]);
    // The demo's verdicts are the verified ones: the app tests credentials against the simulator's registries.
    restoreApp = pointAppAtCluster({ kubeconfig: sim.kubeconfig, registries: path.join(path.dirname(sim.kubeconfig), 'registries.json') });
    runs.set(runtime, await settled());
  }, 120_000);

  afterAll(async () => {
    restoreApp();
    await sim?.stop();
  });

  it('gives every failing case the verdict the demo calls for', () => {
    const items = runs.get(runtime)?.items ?? [];
    for (const row of FAILING) {
      const item = items.find((candidate) => rowKey(candidate, workloadOf(candidate)) === `${row.namespace}/${row.workload}/${row.container}`);
      expect(item?.verdict.code, `${row.namespace}/${row.workload}: ${item?.message ?? 'not listed'}`).toBe(row.verdict);
    }
  });

  it('gives the pod detail the list\'s verdict where both read the node (KEP-2535)', async () => {
    const items = runs.get(runtime)?.items ?? [];
    for (const row of FAILING.filter((entry) => entry.namespace === 'cached')) {
      const item = items.find((candidate) => rowKey(candidate, workloadOf(candidate)) === `${row.namespace}/${row.workload}/${row.container}`);
      const detail = await getPodDiagnosis('sim-admin', row.namespace, item?.pod ?? '');
      expect(detail.containers.find((container) => container.name === row.container)?.verdict?.code, `${row.namespace}/${row.workload}`).toBe(row.verdict);
    }
  });

  it('reads the same cause as the default dialect in every case', () => {
    const reference = runs.get('containerd-2');
    const items = runs.get(runtime)?.items ?? [];
    expect(reference, 'the containerd-2 run comes first').toBeDefined();
    for (const row of FAILING) {
      const key = `${row.namespace}/${row.workload}/${row.container}`;
      const mine = items.find((candidate) => rowKey(candidate, workloadOf(candidate)) === key);
      const theirs = reference?.items.find((candidate) => rowKey(candidate, workloadOf(candidate)) === key);
      expect(mine?.cause, `${key}: ${mine?.message ?? ''}`).toBe(theirs?.cause);
    }
  });

  it('speaks its own words', () => {
    const messages = (runs.get(runtime)?.items ?? []).map((item) => item.message);
    expect(messages.some((message) => DIALECT_MARKS[runtime].test(message)), messages.join('\n')).toBe(true);
    for (const [other, mark] of Object.entries(DIALECT_MARKS)) {
      if (other !== runtime && other !== 'containerd-2') expect(messages.filter((message) => mark.test(message)), other).toEqual([]);
    }
  });
});
