import type { KubeObject } from '../../store';
import { isOwnedBy, isPodActive, isPodReady, ownerReference, type Pod, type PodTemplate } from '../objects';
import { AdmissionError } from '../../contracts';
import type { EventRecorder } from '../events';
import type { ControllerRuntime } from './runtime';

/**
 * A pod stamped from a workload's template, owned by (and named after) the workload, through admission; a
 * refusal is reported as a FailedCreate event on the workload, as the workload controllers do. With
 * `generateName`, `name` is the name it generates.
 */
export function createPodFromTemplate(
  context: ControllerRuntime,
  recorder: EventRecorder,
  owner: KubeObject,
  template: PodTemplate,
  name: string,
  options: { generateName?: string; labels?: Record<string, string>; nodeName?: string } = {},
): Pod {
  const spec = structuredClone(template.spec);
  if (options.nodeName) spec.nodeName = options.nodeName;
  // As in the API server, admission sees a generated name's prefix only: the name is made up after it.
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: options.generateName ? '' : name,
      namespace: owner.metadata.namespace,
      ...(options.generateName ? { generateName: options.generateName } : {}),
      labels: { ...template.metadata?.labels, ...options.labels },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [ownerReference(owner)],
    },
    spec,
  };
  try {
    const admitted = context.admit('pods', pod, context.store);
    return context.store.create('pods', { ...admitted, metadata: { ...admitted.metadata, name } }) as Pod;
  } catch (error) {
    if (error instanceof AdmissionError) {
      recorder.record(owner, { type: 'Warning', reason: 'FailedCreate', message: `Error creating: ${error.message}` });
    }
    throw error;
  }
}

/** The live pods a workload controls, oldest first. */
export function podsOwnedBy(context: ControllerRuntime, owner: KubeObject): Pod[] {
  return (context.owners.dependents('pods', owner.metadata.uid) as Pod[])
    .filter((pod) => isOwnedBy(pod, owner))
    .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
}

export function countPods(pods: Pod[]): { active: Pod[]; ready: number; succeeded: number; failed: number } {
  const active = pods.filter(isPodActive);
  return {
    active,
    ready: active.filter(isPodReady).length,
    succeeded: pods.filter((pod) => pod.status?.phase === 'Succeeded').length,
    failed: pods.filter((pod) => pod.status?.phase === 'Failed').length,
  };
}

/**
 * Which pods to remove when scaling down, as `controller.ActivePods` orders them: unscheduled before
 * scheduled, pending before running, not ready before ready, newer before older.
 */
export function deletionOrder(pods: Pod[]): Pod[] {
  const rank = (pod: Pod): number[] => [
    pod.spec.nodeName ? 1 : 0,
    pod.status?.phase === 'Running' ? 1 : 0,
    isPodReady(pod) ? 1 : 0,
  ];
  return [...pods].sort((a, b) => {
    const left = rank(a);
    const right = rank(b);
    for (let i = 0; i < left.length; i++) {
      const difference = (left[i] ?? 0) - (right[i] ?? 0);
      if (difference !== 0) return difference;
    }
    return (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '');
  });
}
