import 'server-only';
/**
 * Planning an incident fix: the per-workload planners (plan-secret.ts, plan-attach.ts) composed over every
 * namespace and workload of the incident — one secret step per namespace, then the attach steps of each of its
 * workloads — with what each step changes read beforehand, so a failed apply can put it back.
 */
import type { V1Pod, V1Secret } from '@kubernetes/client-node';
import type { IncidentFixRequest, IncidentFixTarget } from '../../api/incident-fix-request';
import type { FixRequest } from '../../api/fix-request';
import { ApiError } from '../../api/errors';
import { patchableInPlace } from '../../incident-fix';
import type { KubeClients } from '../config';
import { findSecret, getPod, getWorkload, type WorkloadObject } from '../reads';
import { containerImage } from './options';
import { planAttach } from './plan-attach';
import { planSecret } from './plan-secret';
import type { PlannedStep } from './planned-step';
import { findWorkload, type FixWorkload } from './workloads';

/** What a step changes, as it was before the apply: restored when a later step fails. */
export type StepTouch =
  | { kind: 'secret'; namespace: string; name: string; before: V1Secret | null }
  | { kind: 'workload'; namespace: string; workload: FixWorkload; before: WorkloadObject };

export interface IncidentStep {
  namespace: string;
  planned: PlannedStep;
  /** The object the step changes ("namespace/Kind/name"), null when it changes nothing a rollback must restore. */
  touches: string | null;
  touch: StepTouch | null;
}

export interface IncidentWorkload {
  namespace: string;
  workload: FixWorkload;
  secret: string;
  steps: PlannedStep[];
}

export interface IncidentPlan {
  steps: IncidentStep[];
  workloads: IncidentWorkload[];
}

/** Plans every step of the fix from what the cluster holds now. Members a template cannot reach are refused by name. */
export async function planIncidentFix(clients: KubeClients, request: IncidentFixRequest): Promise<IncidentPlan> {
  const members = await incidentMembers(clients, request.targets);
  const steps: IncidentStep[] = [];
  const workloads: IncidentWorkload[] = [];
  for (const [namespace, inNamespace] of byNamespace(members)) {
    const secret = await planSecret(clients, namespace, sourceIn(namespace, request.source));
    const before = await findSecret(clients, namespace, secret.name);
    steps.push(secretStep(namespace, secret.name, secret.step, before));
    for (const { pod, workload } of inNamespace) {
      const template = await getWorkload(clients, namespace, workload);
      const attach = await planAttach(clients, namespace, pod, workload, secret, { kind: 'workload' });
      for (const planned of attach) steps.push(workloadStep(namespace, planned, workload, template));
      workloads.push({ namespace, workload, secret: secret.name, steps: attach });
    }
  }
  return { steps, workloads };
}

/** The source as one namespace sees it: a copy is the original itself in the namespace it comes from. */
export function sourceIn(namespace: string, source: IncidentFixRequest['source']): FixRequest['source'] {
  if (source.kind === 'copy' && source.fromNamespace === namespace) return { kind: 'existing', name: source.name };
  return source;
}

interface Member {
  namespace: string;
  pod: V1Pod;
  workload: FixWorkload;
}

/** Each target's pod and workload, one member per workload; bare pods and Jobs are refused together, by name. */
async function incidentMembers(clients: KubeClients, targets: readonly IncidentFixTarget[]): Promise<Member[]> {
  const members = new Map<string, Member>();
  const refused: string[] = [];
  for (const target of targets) {
    const pod = await getPod(clients, target.namespace, target.pod);
    containerImage(pod, target.container);
    const { workload } = await findWorkload(clients, target.namespace, pod);
    if (!workload || !patchableInPlace(workload)) {
      refused.push(workload ? `${target.namespace}/Job ${workload.name}` : `${target.namespace}/pod ${target.pod}`);
      continue;
    }
    const id = `${target.namespace}/${workload.kind}/${workload.name}`;
    if (!members.has(id)) members.set(id, { namespace: target.namespace, pod, workload });
  }
  if (refused.length > 0) {
    throw new ApiError(
      'invalid-input',
      400,
      `${refused.join(', ')} cannot take a pull secret on a live template (it must be recreated): fix ${refused.length === 1 ? 'it' : 'each'} from its own row, and leave it out of the incident fix`,
    );
  }
  return [...members.values()];
}

function byNamespace(members: readonly Member[]): Map<string, Member[]> {
  const groups = new Map<string, Member[]>();
  for (const member of members) groups.set(member.namespace, [...(groups.get(member.namespace) ?? []), member]);
  return groups;
}

function secretStep(namespace: string, name: string, planned: PlannedStep, before: V1Secret | null): IncidentStep {
  const changes = planned.kind === 'create-secret' || planned.kind === 'copy-secret' || planned.kind === 'replace-secret';
  return {
    namespace,
    planned,
    touches: changes ? `${namespace}/Secret/${name}` : null,
    touch: changes ? { kind: 'secret', namespace, name, before } : null,
  };
}

function workloadStep(namespace: string, planned: PlannedStep, workload: FixWorkload, before: WorkloadObject): IncidentStep {
  // A patch that changes nothing has no YAML; a deleted pod comes back from its controller.
  const changes = (planned.kind === 'patch-workload' || planned.kind === 'restart-workload') && planned.yaml !== null;
  return {
    namespace,
    planned,
    touches: changes ? `${namespace}/${workload.kind}/${workload.name}` : null,
    touch: changes ? { kind: 'workload', namespace, workload, before } : null,
  };
}
