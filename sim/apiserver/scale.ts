import type { KubeObject } from '../store';
import type { StatusCause } from './status';

/**
 * The autoscaling/v1 `Scale` view of a workload, served at `<workload>/scale`: `kubectl scale` reads and
 * patches it rather than the workload itself.
 */
export function toScale(workload: KubeObject): KubeObject {
  const spec = (workload.spec ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  const status = (workload.status ?? {}) as { replicas?: number };
  const selector = Object.entries(spec.selector?.matchLabels ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const { name, namespace, uid, resourceVersion, creationTimestamp } = workload.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector },
  };
}

/** The replica count a Scale asks for, or the causes that make it invalid. */
export function requestedReplicas(scale: KubeObject): number | StatusCause[] {
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
    return [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas)}: must be an integer`, field: 'spec.replicas' }];
  }
  if (replicas < 0) {
    return [{ reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0`, field: 'spec.replicas' }];
  }
  return replicas;
}
