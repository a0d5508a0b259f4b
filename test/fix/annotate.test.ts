import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api/errors';
import { annotationFixBody, type AnnotationFixRequest } from '../../lib/api/fix-request';
import { clientsFor } from '../../lib/kube/config';
import { listPullFailures } from '../../lib/kube/failures';
import { runAnnotateFix } from '../../lib/kube/fix/plan-annotate';
import { clusterForFile } from '../support/app-cluster';
import { RESTARTED_AT_ANNOTATION } from '../../lib/fix-plan';
import { followFix } from '../support/follow-fix';
import { startSimCli } from '../support/sim-cli';
import { waitUntil } from '../support/wait';

/**
 * The annotate fix against the demo's workload-identity/ledger: its service account lacks the annotation the
 * nodes' credential provider requires. A preview (dry run) changes nothing; an apply annotates the account,
 * restarts the Deployment and answers what to follow: the restarted template's new pod, which the simulated
 * kubelet, now given credentials by the provider, runs.
 */
const NAMESPACE = 'workload-identity';
const KEY = 'iam.gke.io/gcp-service-account';
const VALUE = 'ledger@acme-prod.iam.gserviceaccount.com';
clusterForFile(() => startSimCli('demo'), {
  stop: (sim) => sim.stop(),
  environment: (sim) => ({ PULLFIX_KUBECONFIG: sim.kubeconfig, PULLFIX_REGISTRY_CONFIG: sim.registries, PULLFIX_VERIFY_CREDENTIALS: 'on' }),
});

async function ledgerFailure() {
  return waitUntil(
    async () => (await listPullFailures('sim-admin', NAMESPACE)).items.find((item) => item.workload?.name === 'ledger') ?? false,
    { what: 'ledger to fail its pull', timeoutMs: 40_000, intervalMs: 500 },
  );
}

async function annotations(): Promise<Record<string, string>> {
  const account = await clientsFor('sim-admin').core.readNamespacedServiceAccount({ namespace: NAMESPACE, name: 'ledger' });
  return account.metadata?.annotations ?? {};
}

describe('the annotate fix for provider-annotation-missing', () => {
  let request: AnnotationFixRequest;
  beforeAll(async () => {
    const failure = await ledgerFailure();
    expect(failure.verdict.code).toBe('provider-annotation-missing');
    request = { mode: 'preview', pod: failure.pod, container: failure.container, key: KEY, value: VALUE };
  }, 60_000);

  it('previews the annotation and the restart, dry-run by the API server, and changes nothing', async () => {
    const preview = await runAnnotateFix('sim-admin', NAMESPACE, request, 'test');
    expect(preview.steps.map((step) => [step.kind, step.dryRun?.ok])).toEqual([
      ['update-service-account', true],
      ['restart-workload', true],
    ]);
    expect(preview.steps[0]?.yaml).toContain(VALUE);
    expect(preview.applied).toBe(false);
    expect(await annotations()).toEqual({});
  });

  it('refuses a key the provider does not require, and a value of the wrong shape', async () => {
    const other = await runAnnotateFix('sim-admin', NAMESPACE, { ...request, key: 'example.com/other' }, 'test').catch((error: unknown) => error);
    expect(other).toBeInstanceOf(ApiError);
    expect((other as ApiError).message).toContain('does not require example.com/other');
    const parsed = annotationFixBody.safeParse({ ...request, value: 'ledger' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain('a Google service account e-mail');
    expect(await annotations()).toEqual({});
  });

  it('applies: the account is annotated, the Deployment restarted, and the page follows its new pod until it runs', async () => {
    const applied = await runAnnotateFix('sim-admin', NAMESPACE, { ...request, mode: 'apply' }, 'test');
    expect(applied.applied).toBe(true);
    expect(applied.steps.map((step) => step.result?.ok)).toEqual([true, true]);
    expect(applied.steps[0]?.result?.message).toContain('a pod already failing uses it only after its back-off');
    expect(applied.steps[1]?.title).toBe('restart Deployment ledger: its new pods pull with the annotation at once');
    expect(await annotations()).toEqual({ [KEY]: VALUE });
    expect(applied.follow).toMatchObject({ kind: 'Deployment', name: 'ledger', secret: null, restartedAt: expect.any(String) });
    expect(applied.outcome).toMatchObject({ what: `${KEY} on service account ledger` });

    const progress = await followFix('sim-admin', NAMESPACE, applied);
    expect(progress.failure).toBeNull();
    const running = progress.pods[0];
    expect(running?.phase).toBe('Running');
    expect(running?.name).not.toBe(request.pod);
    const pod = await clientsFor('sim-admin').core.readNamespacedPod({ namespace: NAMESPACE, name: running?.name ?? '' });
    expect(pod.metadata?.annotations?.[RESTARTED_AT_ANNOTATION]).toBe(applied.follow?.restartedAt);
    expect(pod.status?.containerStatuses?.every((status) => status.state?.running)).toBe(true);
    await waitUntil(async () => !(await listPullFailures('sim-admin', NAMESPACE)).items.some((item) => item.workload?.name === 'ledger'), {
      what: 'ledger to leave the failures list',
      timeoutMs: 40_000,
      intervalMs: 500,
    });

    const again = await runAnnotateFix('sim-admin', NAMESPACE, { ...request, pod: running?.name ?? '' }, 'test').catch((error: unknown) => error);
    expect((again as ApiError).message).toContain('already carries');
  }, 90_000);
});
