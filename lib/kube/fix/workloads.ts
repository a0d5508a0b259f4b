import 'server-only';

import { PatchStrategy, setHeaderOptions, type V1Job, type V1ObjectMeta, type V1OwnerReference, type V1Pod, type V1PodTemplateSpec } from '@kubernetes/client-node';
import { JOB_CONTROLLER_UID_LABELS } from '../../fix-manifests';
import { isPatchableKind, type PatchableKind } from '../../fix-plan';
import type { KubeClients } from '../config';
import { kubeCall } from '../errors';
import { getWorkload, listPodsMatching, unlessRefused } from '../reads';

/** The object a fix attaches a secret to: the workload that owns the pod, or nothing for a bare pod. */
export interface FixWorkload {
  kind: PatchableKind;
  name: string;
}

/** The owner kinds the API server knows, for access reviews and messages. */
export const WORKLOAD_RESOURCES: Record<PatchableKind, { group: string; resource: string }> = {
  Deployment: { group: 'apps', resource: 'deployments' },
  StatefulSet: { group: 'apps', resource: 'statefulsets' },
  DaemonSet: { group: 'apps', resource: 'daemonsets' },
  ReplicaSet: { group: 'apps', resource: 'replicasets' },
  Job: { group: 'batch', resource: 'jobs' },
  CronJob: { group: 'batch', resource: 'cronjobs' },
};

export interface OwnerLookup {
  workload: FixWorkload | null;
  /** The controller's kind when pullfix cannot patch it (an operator's custom resource); null otherwise. */
  unsupportedOwner: string | null;
}

/**
 * The workload a person manages for this pod, reached through its controller references: a ReplicaSet's
 * Deployment, a Job's CronJob, or the controller itself.
 */
export async function findWorkload(clients: KubeClients, namespace: string, pod: V1Pod): Promise<OwnerLookup> {
  const controller = controllerOf(pod.metadata);
  if (!controller) return { workload: null, unsupportedOwner: null };
  if (!isPatchableKind(controller.kind)) return { workload: null, unsupportedOwner: controller.kind };
  const parentKind = controller.kind === 'ReplicaSet' ? 'Deployment' : controller.kind === 'Job' ? 'CronJob' : null;
  if (parentKind) {
    const { metadata } = await getWorkload(clients, namespace, { kind: controller.kind, name: controller.name });
    const parent = controllerOf(metadata);
    if (parent?.kind === parentKind) return { workload: { kind: parentKind, name: parent.name }, unsupportedOwner: null };
  }
  return { workload: { kind: controller.kind, name: controller.name }, unsupportedOwner: null };
}

/**
 * A patch of the workload, strategic merge as `kubectl patch` sends it unless `strategy` says otherwise (an undo
 * sends a JSON patch with a test); `dryRun` asks the server to check only.
 */
export async function patchWorkload(
  clients: KubeClients,
  namespace: string,
  workload: FixWorkload,
  body: Record<string, unknown> | object[],
  dryRun: boolean,
  strategy: PatchStrategy = PatchStrategy.StrategicMergePatch,
): Promise<V1ObjectMeta> {
  const request = { namespace, name: workload.name, body, ...(dryRun ? { dryRun: 'All' } : {}) };
  const options = setHeaderOptions('Content-Type', strategy);
  return kubeCall(clients, async () => {
    switch (workload.kind) {
      case 'Deployment':
        return (await clients.apps.patchNamespacedDeployment(request, options)).metadata ?? {};
      case 'StatefulSet':
        return (await clients.apps.patchNamespacedStatefulSet(request, options)).metadata ?? {};
      case 'DaemonSet':
        return (await clients.apps.patchNamespacedDaemonSet(request, options)).metadata ?? {};
      case 'ReplicaSet':
        return (await clients.apps.patchNamespacedReplicaSet(request, options)).metadata ?? {};
      case 'Job':
        return (await clients.batch.patchNamespacedJob(request, options)).metadata ?? {};
      case 'CronJob':
        return (await clients.batch.patchNamespacedCronJob(request, options)).metadata ?? {};
    }
  });
}

/**
 * The names of the Job's pods, found by the controller-uid label the API server puts on them; null when the user
 * may not list pods, so the confirmation can still name the Job.
 */
export async function jobPods(clients: KubeClients, namespace: string, job: V1Job): Promise<string[] | null> {
  const uid = job.metadata?.uid ?? '';
  const pods = await unlessRefused(listPodsMatching(clients, namespace, { labelSelector: `${JOB_CONTROLLER_UID_LABELS[0]}=${uid}` }), 'forbidden');
  return pods === null ? null : pods.map((pod) => pod.metadata?.name ?? '').filter((name) => name !== '');
}

/** What recreating a Job deletes, for its confirmation and its delete step: "Job migrate and its pods migrate-x7k2p". */
export function jobDeletion(name: string, pods: string[] | null): string {
  if (pods === null) return `Job ${name} and all its pods`;
  if (pods.length === 0) return `Job ${name} (it has no pods now)`;
  return `Job ${name} and its ${pods.length === 1 ? 'pod' : 'pods'} ${pods.join(', ')}`;
}

export function templatePullSecrets(template: V1PodTemplateSpec | undefined): string[] {
  return (template?.spec?.imagePullSecrets ?? []).map((reference) => reference.name ?? '').filter((name) => name !== '');
}

/** The managing owner: the one marked controller, else the only one. */
export function controllerOf(metadata: V1ObjectMeta | undefined): V1OwnerReference | undefined {
  const references = metadata?.ownerReferences ?? [];
  return references.find((reference) => reference.controller) ?? (references.length === 1 ? references[0] : undefined);
}
