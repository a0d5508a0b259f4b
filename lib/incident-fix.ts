/**
 * The client half of an incident fix, planned without I/O: which incidents pullfix can fix as one, what the form
 * starts from, the answer of the incident-fixes API, and the order a failed apply is rolled back in. Components
 * import it; the steps themselves are planned on the server (lib/kube/fix/incident-plan.ts).
 */
import type { IncidentFixTarget } from './api/incident-fix-request';
import type { WorkloadRef } from './api/types';
import type { FixFollow, FixStep } from './fix-plan';
import type { Incident, WorkloadTarget } from './incidents';
import { kubectlServerFor } from './pull-secrets/kubectl-secret';
import { deriveSecretName } from './secret-name';

/**
 * What the incident fix form offers: new credentials under one secret name in every namespace (created, or the
 * data replaced where the name exists), or one existing secret attached everywhere. `skipped` are the members a
 * template patch cannot reach (bare pods, Jobs without a CronJob: they must be recreated), fixed from their rows.
 */
export type IncidentFixPlan =
  | { source: 'new'; secretName: string; server: string; replaceExisting: boolean; targets: IncidentFixTarget[]; namespaces: string[]; skipped: WorkloadTarget[] }
  | { source: 'existing'; secretName: string; targets: IncidentFixTarget[]; namespaces: string[]; skipped: WorkloadTarget[] };

/** The plan for an incident pullfix can fix with one secret, or null when its action is a check or per workload. */
export function incidentFixPlan(incident: Incident): IncidentFixPlan | null {
  const { targets, skipped } = fixTargets(incident);
  if (targets.length === 0) return null;
  const namespaces = [...new Set(targets.map((target) => target.namespace))].sort();
  const action = incident.action;
  switch (action.kind) {
    case 'attach-secret':
      return { source: 'existing', secretName: action.secretName, targets, namespaces, skipped };
    case 'create-secret':
      return newSecretPlan(deriveSecretName(action.registry, []), action.registry, false, targets, namespaces, skipped);
    case 'replace-secret':
      return newSecretPlan(action.secretName, action.registry, true, targets, namespaces, skipped);
    case 'copy-secret':
      // The name the pods already ask for, created with the same credentials in every namespace that lacks it.
      return incident.registry ? newSecretPlan(action.secretName, incident.registry, false, targets, namespaces, skipped) : null;
    case 'restart':
    case 'change-image':
    case 'check':
    case 'per-workload':
      return null;
  }
}

function newSecretPlan(
  secretName: string,
  registry: string,
  replaceExisting: boolean,
  targets: IncidentFixTarget[],
  namespaces: string[],
  skipped: WorkloadTarget[],
): IncidentFixPlan {
  return { source: 'new', secretName, server: kubectlServerFor(registry), replaceExisting, targets, namespaces, skipped };
}

/**
 * One failing container per workload, the first the incident lists. Only workloads whose template can take the
 * secret in place count; the fleet view's members (another context each) are not fixed from here.
 */
function fixTargets(incident: Incident): { targets: IncidentFixTarget[]; skipped: WorkloadTarget[] } {
  const seen = new Set<string>();
  const targets: IncidentFixTarget[] = [];
  const skipped: WorkloadTarget[] = [];
  for (const item of incident.failures) {
    const workload = item.workload ?? { kind: 'Pod', name: item.pod };
    const id = `${item.context ?? ''}/${item.namespace}/${workload.kind}/${workload.name}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (item.context !== undefined) continue;
    if (!patchableInPlace(workload)) skipped.push({ context: null, namespace: item.namespace, workload });
    else targets.push({ namespace: item.namespace, pod: item.pod, container: item.container });
  }
  return { targets, skipped };
}

/** Bare pods and Jobs cannot take a pull secret on a live template: they are recreated, one confirmation each. */
export function patchableInPlace(workload: WorkloadRef | null): boolean {
  return workload !== null && workload.kind !== 'Pod' && workload.kind !== 'Job';
}

// ---- Answers of the incident-fixes API -------------------------------------------------------------------

export interface IncidentFixStep extends FixStep {
  namespace: string;
}

/** One workload the fix serves, and after an apply what its progress follows. */
export interface IncidentFixWorkload {
  namespace: string;
  workload: WorkloadRef;
  follow: FixFollow | null;
}

export interface IncidentFixResponse {
  mode: 'preview' | 'apply';
  steps: IncidentFixStep[];
  /** True once every real call succeeded. */
  applied: boolean;
  workloads: IncidentFixWorkload[];
}

// ---- Rolling back ----------------------------------------------------------------------------------------

/**
 * The objects to restore after step `failed` (0-based) failed: those the steps before it changed, last changed
 * first, each once (a workload patched and then restarted is restored once, to what it was before both).
 */
export function rollbackOrder<Step extends { touches: string | null }>(steps: readonly Step[], failed: number): Step[] {
  const seen = new Set<string>();
  const order: Step[] = [];
  for (const step of steps.slice(0, failed).reverse()) {
    if (step.touches === null || seen.has(step.touches)) continue;
    seen.add(step.touches);
    order.push(step);
  }
  return order;
}
