import 'server-only';
/**
 * The incident fix runner: one preview and one apply for every step of every namespace and workload of an
 * incident. Every step is dry-run on the server first; the apply makes the real calls only when all passed, in
 * order, and when one fails it restores what the steps before it changed, so the cluster is left as it was.
 */
import type { IncidentFixRequest } from '../../api/incident-fix-request';
import { ApiError } from '../../api/errors';
import type { FixFollow, StepCheck } from '../../fix-plan';
import { rollbackOrder, type IncidentFixResponse, type IncidentFixWorkload } from '../../incident-fix';
import { clientsFor, type KubeClients } from '../config';
import { toApiError } from '../errors';
import { planIncidentFix, type IncidentStep, type IncidentWorkload } from './incident-plan';
import { restore } from './incident-undo';

export async function runIncidentFix(context: string, request: IncidentFixRequest): Promise<IncidentFixResponse> {
  const clients = clientsFor(context);
  const plan = await planIncidentFix(clients, request);
  // Every dry run, even after one failed: the preview shows every namespace's and workload's answer at once.
  const dryRuns = await Promise.all(plan.steps.map((step) => check(step, true, clients)));
  const steps = plan.steps.map((step, index) => ({
    namespace: step.namespace,
    kind: step.planned.kind,
    title: step.planned.title,
    yaml: step.planned.yaml,
    dryRun: dryRuns[index]!.check,
    result: null as StepCheck | null,
  }));
  const workloads = plan.workloads.map((entry) => ({ namespace: entry.namespace, workload: entry.workload, follow: null }));
  if (request.mode === 'preview') return { mode: 'preview', steps, applied: false, workloads };
  const refused = dryRuns.findIndex((run) => run.error !== null);
  if (refused >= 0) throw stepFailed(plan.steps, refused, dryRuns[refused]!.error!, 'the dry run', 'nothing was changed');

  const startedAt = new Date();
  for (const [index, step] of plan.steps.entries()) {
    const result = await check(step, false, clients);
    steps[index]!.result = result.check;
    if (result.error) throw stepFailed(plan.steps, index, result.error, 'the apply', await rollBack(clients, plan.steps, index));
  }
  return { mode: 'apply', steps, applied: true, workloads: plan.workloads.map((entry) => followed(entry, startedAt)) };
}

async function check(step: IncidentStep, dryRun: boolean, clients: KubeClients): Promise<{ check: StepCheck; error: ApiError | null }> {
  try {
    return { check: { ok: true, message: await step.planned.run(dryRun) }, error: null };
  } catch (error) {
    const apiError = toApiError(error, clients);
    return { check: { ok: false, message: apiError.message }, error: apiError };
  }
}

/** Restores, last changed first, what the steps before `failed` changed; says what was restored and what was not. */
async function rollBack(clients: KubeClients, steps: readonly IncidentStep[], failed: number): Promise<string> {
  if (failed === 0) return 'nothing had been changed';
  const restored: string[] = [];
  const left: string[] = [];
  for (const step of rollbackOrder(steps, failed)) {
    try {
      restored.push(await restore(clients, step.touch!));
    } catch (error) {
      left.push(`${step.touches} could not be restored (${toApiError(error, clients).message})`);
    }
  }
  const undone = `steps 1–${failed} were rolled back${restored.length > 0 ? `: ${restored.join('; ')}` : ' (they changed nothing)'}`;
  return left.length > 0 ? `${undone}; restore by hand: ${left.join('; ')}` : undone;
}

/** The answer to a failed incident fix: which step of how many, where, the cluster's words, and the aftermath. */
function stepFailed(steps: readonly IncidentStep[], index: number, error: ApiError, phase: string, aftermath: string): ApiError {
  const step = steps[index]!;
  return new ApiError(
    'fix-failed',
    error.status,
    `the incident fix stopped at step ${index + 1} of ${steps.length}, "${step.planned.title}" in namespace ${step.namespace}, during ${phase}: ${error.message}; ${aftermath}`,
    error.reason,
  );
}

/** What the page follows for one workload: its pods from the apply on, or as they are when nothing changed. */
function followed(entry: IncidentWorkload, startedAt: Date): IncidentFixWorkload {
  // Whole seconds: creationTimestamp has no fraction, and a pod created in the same second is new.
  const after = new Date(Math.floor(startedAt.getTime() / 1000) * 1000).toISOString();
  const changed = entry.steps.some((step) => step.yaml !== null);
  const follow: FixFollow = {
    kind: entry.workload.kind,
    name: entry.workload.name,
    after: changed ? after : new Date(0).toISOString(),
    secret: entry.secret,
    restartedAt: entry.steps.find((step) => step.restartedAt)?.restartedAt ?? null,
  };
  return { namespace: entry.namespace, workload: entry.workload, follow };
}
