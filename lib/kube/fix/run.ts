import 'server-only';
/**
 * The fix runner: plans the secret and attach steps (plan-secret.ts, plan-attach.ts), dry-runs them all, applies
 * them in order, and undoes the Secret it created when a later step fails. An apply answers its undo record
 * (undo-record.ts), which …/fixes/undo takes back (undo.ts).
 */
import { randomUUID } from 'node:crypto';
import type { FixFollow, FixResponse, FixStep, StepCheck } from '../../fix-plan';
import type { FixRequest } from '../../api/fix-request';
import { clientsFor, type KubeClients } from '../config';
import { ApiError } from '../../api/errors';
import { toApiError } from '../errors';
import { getPod } from '../reads';
import { containerImage } from './options';
import { planAttach } from './plan-attach';
import { planSecret, type PlannedSecret } from './plan-secret';
import type { PlannedStep } from './planned-step';
import { attachBefore, undoRecord } from './undo-record';
import { findWorkload, type FixWorkload } from './workloads';
import { actingAs } from './acting-as';

/**
 * Plans the fix, then runs every step as a server-side dry run (`dryRun=All`). A preview stops there; an apply
 * goes on to the real calls only when every dry run passed, in order, and stops at the first failure. An apply
 * that fails throws a 'fix-failed' error naming the step, after deleting the Secret it created for the fix, so a
 * failed fix leaves no orphan behind. The answer never holds the password: previews mask it and step messages
 * come from the cluster's Status.
 */
export async function runFix(context: string, namespace: string, request: FixRequest): Promise<FixResponse> {
  const clients = clientsFor(context);
  const fixId = randomUUID();
  const pod = await getPod(clients, namespace, request.pod);
  containerImage(pod, request.container);
  const { workload } = await findWorkload(clients, namespace, pod);
  const secret = await planSecret(clients, namespace, request.source, fixId);
  const attach = await planAttach(clients, namespace, pod, workload, secret, request.target);
  const planned = [secret.step, ...attach];

  const dryRuns = await runAll(planned, true, clients);
  const steps: FixStep[] = planned.map((step, index) => ({ kind: step.kind, title: step.title, yaml: step.yaml, dryRun: dryRuns.checks[index] ?? null, result: null }));
  if (request.mode === 'preview') return { mode: 'preview', steps, applied: false, follow: null, secretChange: secret.change };
  if (dryRuns.failure) throw fixFailed(dryRuns.failure, 'the dry run', 'nothing was changed');

  const before = await attachBefore(clients, namespace, pod, workload, request.target);
  const startedAt = new Date();
  const results = await runAll(planned, false, clients);
  if (results.failure) throw fixFailed(results.failure, 'the apply', await undoCreatedSecret(clients, secret, results.checks[0] ?? null));
  return {
    mode: 'apply',
    steps: steps.map((step, index) => ({ ...step, result: results.checks[index] ?? null })),
    applied: true,
    follow: follow(workload, request, secret.name, attach, startedAt),
    secretChange: secret.change,
    undo: await undoRecord(clients, namespace, fixId, startedAt, secret, attach, before),
    outcome: { by: actingAs(context), at: startedAt.toISOString(), what: secret.name },
  };
}

interface StepFailure {
  step: PlannedStep;
  error: ApiError;
}

/** Runs steps in order; after a failure the rest are not tried and stay null. */
export async function runAll(steps: PlannedStep[], dryRun: boolean, clients: KubeClients): Promise<{ checks: (StepCheck | null)[]; failure: StepFailure | null }> {
  const checks: (StepCheck | null)[] = [];
  let failure: StepFailure | null = null;
  for (const step of steps) {
    if (failure) {
      checks.push(null);
      continue;
    }
    try {
      checks.push({ ok: true, message: await step.run(dryRun) });
    } catch (error) {
      failure = { step, error: toApiError(error, clients) };
      checks.push({ ok: false, message: failure.error.message });
    }
  }
  return { checks, failure };
}

/** The answer to a failed apply: the step, the cluster's words, and what was undone. */
export function fixFailed({ step, error }: StepFailure, phase: string, aftermath: string): ApiError {
  return new ApiError('fix-failed', error.status, `the fix stopped at "${step.title}" during ${phase}: ${error.message}; ${aftermath}`, error.reason);
}

/** A Secret this fix created (new or copied) is deleted again when a later step fails: no orphan stays behind. */
async function undoCreatedSecret(clients: KubeClients, secret: PlannedSecret, result: StepCheck | null): Promise<string> {
  const created = (secret.step.kind === 'create-secret' || secret.step.kind === 'copy-secret') && result?.ok === true;
  if (!created) return 'the steps before it stay applied';
  try {
    await clients.core.deleteNamespacedSecret({ namespace: secret.namespace, name: secret.name });
    return `Secret ${secret.name}, created for this fix, was deleted again`;
  } catch (error) {
    return `Secret ${secret.name}, created for this fix, could not be deleted (${toApiError(error, clients).message}): delete it by hand`;
  }
}

function follow(workload: FixWorkload | null, request: FixRequest, secret: string, attach: PlannedStep[], startedAt: Date): FixFollow {
  // Whole seconds: creationTimestamp has no fraction, and a pod created in the same second is new.
  const after = new Date(Math.floor(startedAt.getTime() / 1000) * 1000).toISOString();
  const restartedAt = attach.find((step) => step.restartedAt)?.restartedAt ?? null;
  // In place, the failing pod itself pulls again: it predates the fix.
  if (request.target.kind === 'in-place' && !workload) return { kind: 'Pod', name: request.pod, after: new Date(0).toISOString(), secret, restartedAt };
  if (!workload || request.target.kind === 'recreate-pod') return { kind: 'Pod', name: request.pod, after, secret, restartedAt };
  // Nothing changed on the template: no rollout comes, so the page follows the pods as they are.
  const changed = attach.some((step) => step.yaml !== null);
  return { kind: workload.kind, name: workload.name, after: changed ? after : new Date(0).toISOString(), secret, restartedAt };
}
