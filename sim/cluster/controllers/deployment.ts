import type { KubeObject } from '../../store';
import { isOwnedBy, ownerReference, safeEncode, timestamp, type Condition, type PodTemplate, type Workload } from '../objects';
import {
  controllerRecorder,
  createAdmitted,
  keyOf,
  omitZeros,
  ownerKey,
  splitKey,
  writeStatus,
  type Controller,
  type ControllerRuntime,
  type ReconcileResult,
} from './runtime';

/**
 * The Deployment controller with the RollingUpdate strategy: each distinct pod template gets a ReplicaSet
 * `<deployment>-<pod-template-hash>`; the new one is scaled up within `maxSurge`, old ones scaled down while
 * keeping `replicas - maxUnavailable` available. Status and the Available/Progressing conditions are what
 * `kubectl rollout status` reads, including ProgressDeadlineExceeded once no progress was made for
 * `progressDeadlineSeconds` (times `timeScale`).
 */
export function deploymentController(context: ControllerRuntime): Controller {
  const { store } = context;
  const recorder = controllerRecorder(context, 'deployment-controller');

  function scale(deployment: Workload, replicaSet: Workload, replicas: number): Workload {
    const from = replicaSet.spec.replicas ?? 0;
    if (from === replicas) return replicaSet;
    const updated = store.update('replicasets', {
      ...replicaSet,
      metadata: {
        ...replicaSet.metadata,
        annotations: {
          ...replicaSet.metadata.annotations,
          'deployment.kubernetes.io/desired-replicas': String(deployment.spec.replicas ?? 1),
        },
      },
      spec: { ...replicaSet.spec, replicas },
    }, { bumpGeneration: true }) as Workload;
    recorder.record(deployment, {
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: `Scaled ${replicas > from ? 'up' : 'down'} replica set ${replicaSet.metadata.name} from ${from} to ${replicas}`,
    });
    return updated;
  }

  function createReplicaSet(deployment: Workload, hash: string, replicas: number, revision: number): Workload {
    const template = structuredClone(deployment.spec.template);
    const labels = { ...template.metadata?.labels, 'pod-template-hash': hash };
    template.metadata = { ...template.metadata, labels };
    const name = `${deployment.metadata.name}-${hash}`;
    const created = createAdmitted(context, 'replicasets', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: deployment.metadata.namespace,
        labels,
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(deployment.spec.replicas ?? 1),
          'deployment.kubernetes.io/max-replicas': String((deployment.spec.replicas ?? 1) + 1),
          'deployment.kubernetes.io/revision': String(revision),
        },
        ownerReferences: [ownerReference(deployment)],
      },
      spec: {
        replicas,
        selector: {
          ...deployment.spec.selector,
          matchLabels: { ...deployment.spec.selector?.matchLabels, 'pod-template-hash': hash },
        },
        template,
      },
    }) as Workload;
    recorder.record(deployment, {
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: `Scaled up replica set ${name} from 0 to ${replicas}`,
    });
    return created;
  }

  return {
    name: 'deployment',
    keysFor(event) {
      if (event.resource === 'deployments' && event.type !== 'DELETED') return [keyOf(event.object)];
      if (event.resource === 'replicasets') return ownerKey(event.object, 'Deployment');
      return [];
    },
    initialKeys: () => store.list('deployments').map(keyOf),
    reconcile(key): ReconcileResult {
      const { namespace, name } = splitKey(key);
      const deployment = store.get('deployments', namespace, name) as Workload | undefined;
      if (!deployment || deployment.metadata.deletionTimestamp) return;
      const replicas = deployment.spec.replicas ?? 1;
      const { maxSurge, maxUnavailable } = rollingParameters(deployment, replicas);
      const owned = (context.owners.dependents('replicasets', deployment.metadata.uid) as Workload[]).filter((rs) => isOwnedBy(rs, deployment));
      const hash = podTemplateHash(deployment.spec.template);
      let newReplicaSet = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
      let oldReplicaSets = owned.filter((rs) => rs !== newReplicaSet);
      let created = false;

      if (!newReplicaSet) {
        const oldTotal = sum(oldReplicaSets.map((rs) => rs.spec.replicas ?? 0));
        const initial = oldTotal === 0 ? replicas : Math.max(0, Math.min(replicas, replicas + maxSurge - oldTotal));
        const revision = 1 + Math.max(0, ...owned.map((rs) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0)));
        newReplicaSet = createReplicaSet(deployment, hash, initial, revision);
        created = true;
      } else {
        const total = sum(owned.map((rs) => rs.spec.replicas ?? 0));
        const current = newReplicaSet.spec.replicas ?? 0;
        if (current > replicas) {
          newReplicaSet = scale(deployment, newReplicaSet, replicas);
        } else if (current < replicas) {
          const room = replicas + maxSurge - total;
          if (room > 0) newReplicaSet = scale(deployment, newReplicaSet, Math.min(replicas, current + room));
        }
        oldReplicaSets = scaleDownOld(deployment, newReplicaSet, oldReplicaSets, replicas - maxUnavailable);
      }

      const all = [newReplicaSet, ...oldReplicaSets];
      const status = deploymentStatus(deployment, newReplicaSet, all, replicas, maxUnavailable, created, context.timeScale, context.clock.now());
      writeStatus(store, 'deployments', deployment, status.status);
      return status.recheckAfterMs === null ? undefined : { requeueAfterMs: status.recheckAfterMs };
    },
  };

  /**
   * `reconcileOldReplicaSets`: first remove old pods that are not available anyway, then scale old sets down as
   * far as the availability budget allows, counting the new set's unavailable pods against it.
   */
  function scaleDownOld(deployment: Workload, newReplicaSet: Workload, old: Workload[], minAvailable: number): Workload[] {
    const all = [newReplicaSet, ...old];
    const allPods = sum(all.map((rs) => rs.spec.replicas ?? 0));
    const newUnavailable = (newReplicaSet.spec.replicas ?? 0) - available(newReplicaSet);
    let budget = allPods - minAvailable - newUnavailable;
    if (budget <= 0) return old;
    const result: Workload[] = [];
    for (const replicaSet of old) {
      const current = replicaSet.spec.replicas ?? 0;
      const unhealthy = Math.max(0, current - available(replicaSet));
      const cut = Math.min(unhealthy, budget);
      budget -= cut;
      result.push(cut > 0 ? scale(deployment, replicaSet, current - cut) : replicaSet);
    }
    const totalAvailable = sum([newReplicaSet, ...result].map(available));
    let availableBudget = Math.min(budget, totalAvailable - minAvailable);
    for (let i = 0; i < result.length && availableBudget > 0; i++) {
      const replicaSet = result[i];
      if (!replicaSet) continue;
      const current = replicaSet.spec.replicas ?? 0;
      const cut = Math.min(current, availableBudget);
      if (cut > 0) {
        availableBudget -= cut;
        result[i] = scale(deployment, replicaSet, current - cut);
      }
    }
    return result;
  }
}

/**
 * `controller.ComputeHash`: a 32-bit FNV-1a hash of the template, written in decimal and then mapped onto
 * the safe alphabet, which gives the familiar 8–10 character suffix. Key order is fixed first so equal
 * templates hash equally whatever order their fields arrived in.
 */
export function podTemplateHash(template: PodTemplate, collisionCount = 0): string {
  let hash = 0x811c9dc5;
  const text = canonicalJson(template) + (collisionCount ? String(collisionCount) : '');
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return safeEncode(String(hash >>> 0));
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function rollingParameters(deployment: Workload, replicas: number): { maxSurge: number; maxUnavailable: number } {
  const rolling = (deployment.spec.strategy as { rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } } | undefined)
    ?.rollingUpdate;
  const maxSurge = resolveIntOrPercent(rolling?.maxSurge ?? '25%', replicas, true);
  let maxUnavailable = resolveIntOrPercent(rolling?.maxUnavailable ?? '25%', replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}

function resolveIntOrPercent(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const percent = Number(value.replace('%', ''));
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

function deploymentStatus(
  deployment: Workload,
  newReplicaSet: Workload,
  all: Workload[],
  replicas: number,
  maxUnavailable: number,
  created: boolean,
  timeScale: number,
  now: number,
): { status: Record<string, unknown>; recheckAfterMs: number | null } {
  const previous = (deployment.status ?? {}) as Record<string, unknown>;
  const counts = {
    replicas: sum(all.map((rs) => Number(rs.status?.replicas ?? 0))),
    updatedReplicas: Number(newReplicaSet.status?.replicas ?? 0),
    readyReplicas: sum(all.map((rs) => Number(rs.status?.readyReplicas ?? 0))),
    availableReplicas: sum(all.map(available)),
  };
  const unavailableReplicas = Math.max(0, sum(all.map((rs) => rs.spec.replicas ?? 0)) - counts.availableReplicas);
  const previousConditions = (previous.conditions as Condition[] | undefined) ?? [];

  const availableCondition: Condition =
    counts.availableReplicas >= replicas - maxUnavailable
      ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
      : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' };

  const rsName = newReplicaSet.metadata.name;
  const complete =
    counts.updatedReplicas === replicas && counts.availableReplicas === replicas && counts.replicas === replicas && (newReplicaSet.spec.replicas ?? 0) === replicas;
  const madeProgress =
    counts.updatedReplicas > Number(previous.updatedReplicas ?? 0) ||
    counts.readyReplicas > Number(previous.readyReplicas ?? 0) ||
    counts.availableReplicas > Number(previous.availableReplicas ?? 0) ||
    counts.replicas - counts.updatedReplicas < Number(previous.replicas ?? 0) - Number(previous.updatedReplicas ?? 0);
  const previousProgressing = previousConditions.find((condition) => condition.type === 'Progressing');
  const deadlineSeconds = deployment.spec.progressDeadlineSeconds as number | undefined;

  let progressing: Condition;
  let recheckAfterMs: number | null = null;
  if (created) {
    progressing = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${rsName}"` };
  } else if (complete) {
    progressing = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` };
  } else if (madeProgress || !previousProgressing || previousProgressing.reason === 'NewReplicaSetAvailable') {
    progressing = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` };
  } else if (previousProgressing.reason === 'ProgressDeadlineExceeded' || deadlineSeconds === undefined) {
    progressing = previousProgressing;
  } else {
    const lastUpdate = Date.parse(previousProgressing.lastUpdateTime ?? '') || now;
    const deadline = lastUpdate + deadlineSeconds * 1000 * timeScale;
    if (now >= deadline) {
      progressing = { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.` };
    } else {
      progressing = previousProgressing;
      recheckAfterMs = deadline - now;
    }
  }
  if (progressing !== previousProgressing && progressing.status === 'True' && progressing.reason !== 'NewReplicaSetAvailable' && deadlineSeconds !== undefined) {
    recheckAfterMs = deadlineSeconds * 1000 * timeScale;
  }

  const conditions = [
    stamp(availableCondition, previousConditions, now, false),
    stamp(progressing, previousConditions, now, (madeProgress || created) && progressing.status === 'True'),
  ];
  return {
    status: {
      observedGeneration: deployment.metadata.generation ?? 1,
      ...omitZeros({ ...counts, unavailableReplicas }),
      conditions,
    },
    recheckAfterMs,
  };
}

/**
 * Keeps the times of an unchanged condition; a changed one, or one that records fresh progress, gets a new
 * update time (and a new transition time when its status flipped).
 */
function stamp(condition: Condition, previous: Condition[], now: number, refresh: boolean): Condition {
  const before = previous.find((candidate) => candidate.type === condition.type);
  const unchanged = before && before.status === condition.status && before.reason === condition.reason && before.message === condition.message;
  if (before && unchanged && !refresh) return before;
  const at = timestamp(now);
  return {
    type: condition.type,
    status: condition.status,
    lastUpdateTime: at,
    lastTransitionTime: before && before.status === condition.status ? (before.lastTransitionTime ?? at) : at,
    reason: condition.reason,
    message: condition.message,
  };
}

function available(replicaSet: KubeObject): number {
  return Number((replicaSet.status as Record<string, unknown> | undefined)?.availableReplicas ?? 0);
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
