import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api/errors';
import type { IncidentFixRequest } from '../../lib/api/incident-fix-request';
import type { IncidentFixResponse } from '../../lib/incident-fix';
import { clientsFor } from '../../lib/kube/config';
import { getFixProgress } from '../../lib/kube/fix/progress';
import { assertIncidentCredentialsAccepted } from '../../lib/kube/fix/incident-gate';
import { runIncidentFix } from '../../lib/kube/fix/incident-run';
import { pointApp, pointAppAtCluster } from '../support/app-cluster';
import { isRealCall, startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { startSimCli, type SimProcess } from '../support/sim-cli';
import { waitUntil } from '../support/wait';

/**
 * The demo incident against the demo cluster: four workloads in store-front and store-back whose harbor-robot
 * secrets hold robot-store's old password. One request previews, one applies the fix for all four; an apply
 * whose last step fails for real puts back everything the steps before it changed.
 */
let sim: SimProcess;
let proxy: FaultProxy;
let restoreApp = (): void => undefined;

const NEW_PASSWORD = 'St0re-robot-2026';
const WORKLOADS = [
  { namespace: 'store-front', kind: 'Deployment', name: 'web', container: 'web' },
  { namespace: 'store-front', kind: 'Deployment', name: 'catalog', container: 'catalog' },
  { namespace: 'store-back', kind: 'Deployment', name: 'cart', container: 'cart' },
  { namespace: 'store-back', kind: 'StatefulSet', name: 'checkout', container: 'checkout' },
] as const;
const CHECKOUT_PATCH = /^\/apis\/apps\/v1\/namespaces\/store-back\/statefulsets\/checkout(\?|$)/;

beforeAll(async () => {
  sim = await startSimCli();
  restoreApp = pointAppAtCluster(sim);
  proxy = await startFaultProxy(sim, (method, url) => method === 'PATCH' && CHECKOUT_PATCH.test(url) && isRealCall(url));
}, 100_000);

afterAll(async () => {
  restoreApp();
  await proxy?.close();
  await sim?.stop();
});

function request(mode: IncidentFixRequest['mode'], targets: IncidentFixRequest['targets'], password = NEW_PASSWORD): IncidentFixRequest {
  return {
    mode,
    source: { kind: 'new', name: 'harbor-robot', server: 'harbor.example.com', username: 'robot-store', password, replaceExisting: true },
    targets,
  };
}

/**
 * One failing pod per workload, as the incident lists them: of a Deployment, one of the ReplicaSet whose template
 * is the Deployment's (a rolled-back restart's pods are on their way out; those stay).
 */
async function failingTargets(): Promise<IncidentFixRequest['targets']> {
  return Promise.all(
    WORKLOADS.map(async ({ namespace, kind, name, container }) => {
      const pod = await waitUntil(() => currentPod(namespace, kind, name), { what: `a current pod of ${namespace}/${name}`, timeoutMs: 30_000, intervalMs: 500 });
      return { namespace, pod, container };
    }),
  );
}

async function currentPod(namespace: string, kind: string, name: string): Promise<string | undefined> {
  const { core, apps } = clientsFor('sim-admin');
  const pods = (await core.listNamespacedPod({ namespace })).items.filter((pod) => pod.metadata?.name?.startsWith(`${name}-`) && !pod.metadata.deletionTimestamp);
  if (kind !== 'Deployment') return pods[0]?.metadata?.name;
  const annotations = (template: { metadata?: { annotations?: Record<string, string> } } | undefined) => JSON.stringify(template?.metadata?.annotations ?? {});
  const wanted = annotations((await apps.readNamespacedDeployment({ namespace, name })).spec?.template);
  const current = (await apps.listNamespacedReplicaSet({ namespace })).items.find(
    (replicaSet) => replicaSet.metadata?.ownerReferences?.some((owner) => owner.name === name) && annotations(replicaSet.spec?.template) === wanted,
  );
  return pods.find((pod) => pod.metadata?.ownerReferences?.some((owner) => owner.name === current?.metadata?.name))?.metadata?.name;
}

/** What the fix may change: both secrets' data and the four pod templates. */
async function clusterState(): Promise<string> {
  const { core, apps } = clientsFor('sim-admin');
  const secrets = await Promise.all(['store-front', 'store-back'].map((namespace) => core.readNamespacedSecret({ namespace, name: 'harbor-robot' })));
  const templates = await Promise.all(
    WORKLOADS.map(async ({ namespace, kind, name }) =>
      kind === 'Deployment' ? (await apps.readNamespacedDeployment({ namespace, name })).spec?.template : (await apps.readNamespacedStatefulSet({ namespace, name })).spec?.template,
    ),
  );
  return JSON.stringify({ secrets: secrets.map((secret) => secret.data), templates });
}

describe('the demo incident, fixed as one', () => {
  let targets: IncidentFixRequest['targets'];
  let before: string;
  beforeAll(async () => {
    targets = await failingTargets();
    before = await clusterState();
  }, 60_000);

  it('previews every step of both namespaces as a server-side dry run, and changes nothing', async () => {
    const preview = await runIncidentFix('sim-admin', request('preview', targets));
    expect(preview.applied).toBe(false);
    expect(preview.steps.map((step) => `${step.namespace} ${step.kind} ${step.title}`)).toEqual([
      'store-front replace-secret replace the data of Secret harbor-robot',
      'store-front patch-workload Deployment web already names harbor-robot',
      'store-front restart-workload restart Deployment web',
      'store-front patch-workload Deployment catalog already names harbor-robot',
      'store-front restart-workload restart Deployment catalog',
      'store-back replace-secret replace the data of Secret harbor-robot',
      'store-back patch-workload Deployment cart already names harbor-robot',
      'store-back restart-workload restart Deployment cart',
      'store-back patch-workload StatefulSet checkout already names harbor-robot',
      'store-back restart-workload restart StatefulSet checkout',
    ]);
    expect(preview.steps.every((step) => step.dryRun?.ok === true && step.result === null)).toBe(true);
    expect(JSON.stringify(preview)).not.toContain(NEW_PASSWORD);
    expect(await clusterState()).toBe(before);
  });

  it('refuses, before any step, a password the registry rejects', async () => {
    const refusal = await assertIncidentCredentialsAccepted('sim-admin', request('apply', targets, 'St0re-robot-2024')).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as ApiError).code).toBe('credential-refused');
    expect(await clusterState()).toBe(before);
  });

  it('rolls back steps 1–9 when step 10 fails for real: the cluster is as it was', async () => {
    const direct = pointApp({ PULLFIX_KUBECONFIG: proxy.kubeconfig });
    const failure = await runIncidentFix('sim-admin', request('apply', targets)).then(
      () => null,
      (error: unknown) => error,
    );
    direct();
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('fix-failed');
    expect((failure as ApiError).message).toMatch(/stopped at step 10 of 10, "restart StatefulSet checkout" in namespace store-back, during the apply: .*injected/);
    const [, rolledBack] = (failure as ApiError).message.split('; steps 1–9 were rolled back: ');
    // Last changed first, each object once.
    expect(rolledBack?.split('; ')).toEqual([
      'Deployment store-back/cart has its pod template back',
      'Secret store-back/harbor-robot has its old data back',
      'Deployment store-front/catalog has its pod template back',
      'Deployment store-front/web has its pod template back',
      'Secret store-front/harbor-robot has its old data back',
    ]);
    expect(await clusterState()).toBe(before);
  }, 60_000);

  it('applies once for all four workloads, whose new pods then run', async () => {
    // The rolled-back restarts replaced some pods: fix the ones the rollback keeps.
    targets = await failingTargets();
    await assertIncidentCredentialsAccepted('sim-admin', request('apply', targets));
    const applied: IncidentFixResponse = await runIncidentFix('sim-admin', request('apply', targets));
    expect(applied.applied).toBe(true);
    expect(applied.steps.every((step) => step.result?.ok === true)).toBe(true);
    expect(applied.workloads.map((entry) => `${entry.namespace}/${entry.workload.name}`)).toEqual(WORKLOADS.map(({ namespace, name }) => `${namespace}/${name}`));
    for (const { namespace, follow } of applied.workloads) {
      await waitUntil(
        async () => {
          const progress = await getFixProgress('sim-admin', namespace, follow!.kind, follow!.name, follow!.after, follow!.secret, follow!.restartedAt);
          expect(progress.failure).toBeNull();
          return progress.pods[0]?.phase === 'Running';
        },
        { what: `a new pod of ${namespace}/${follow!.name} to run`, timeoutMs: 40_000, intervalMs: 500 },
      );
    }
  }, 120_000);
});
