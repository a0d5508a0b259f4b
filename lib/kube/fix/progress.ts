import 'server-only';

import type { V1LabelSelector, V1ObjectMeta, V1Pod } from '@kubernetes/client-node';
import { JOB_CONTROLLER_UID_LABELS } from '../../fix-manifests';
import { isPatchableKind, RESTARTED_AT_ANNOTATION, type FixProgress, type ProgressContainer, type ProgressPod } from '../../fix-plan';
import { clientsFor, type KubeClients } from '../config';
import { ApiError } from '../../api/errors';
import { getPodDiagnosis } from '../pod-detail';
import { PULL_WAITING_REASONS, podContainers } from '../pull-waits';
import { getWorkload, listJobs, listPodsMatching, listReplicaSets } from '../reads';
import { isoTime } from '../timestamps';
import { controllerOf } from './workloads';

/** Waiting reasons from before the pull finished: anything else on a waiting container comes after it. */
const BEFORE_PULL = new Set(['ContainerCreating', 'PodInitializing']);

/**
 * The pods of a workload (or one pod) created at or after `after` that name `secret`, carry the `restartedAt`
 * annotation, or run `image` in its container (each when given), newest first, each
 * container with whether its image is on the node; for the newest pod that cannot pull, its new verdict. Creation
 * times have whole seconds: the secret, the restart annotation or the image tell the fixed template's pods from
 * the old one's.
 */
export async function getFixProgress(
  context: string,
  namespace: string,
  kind: string,
  name: string,
  after: string,
  secret: string | null = null,
  restartedAt: string | null = null,
  image: { container: string; image: string } | null = null,
): Promise<FixProgress> {
  const clients = clientsFor(context);
  const since = Date.parse(after);
  const pods = (await workloadPods(clients, namespace, kind, name))
    .filter((pod) => Date.parse(isoTime(pod.metadata?.creationTimestamp) ?? '') >= since)
    .filter((pod) => secret === null || (pod.spec?.imagePullSecrets ?? []).some((reference) => reference.name === secret))
    .filter((pod) => restartedAt === null || pod.metadata?.annotations?.[RESTARTED_AT_ANNOTATION] === restartedAt)
    .filter((pod) => image === null || runsImage(pod, image))
    .sort((a, b) => (isoTime(b.metadata?.creationTimestamp) ?? '').localeCompare(isoTime(a.metadata?.creationTimestamp) ?? ''));
  const views = pods.map(progressPod);
  const failing = views.find((pod) => pod.containers.some((container) => container.reason !== null && PULL_WAITING_REASONS.has(container.reason)));
  return {
    workload: { kind, name },
    pods: views,
    failure: failing ? await failureOf(context, namespace, failing) : null,
    note: kind === 'CronJob' && views.length === 0 ? await cronJobNote(clients, namespace, name) : null,
  };
}

/**
 * The workload's pods, found as its controller finds them: by its label selector (a Deployment's ReplicaSets by
 * the same selector), then kept only when the workload (or one of its ReplicaSets) controls them, since
 * selectors of two workloads may overlap. A CronJob's Jobs each have their own selector: its Jobs' pods by their
 * controller-uid labels, in one list.
 */
async function workloadPods(clients: KubeClients, namespace: string, kind: string, name: string): Promise<V1Pod[]> {
  if (kind === 'Pod') return listPodsMatching(clients, namespace, { fieldSelector: `metadata.name=${name}` });
  if (!isPatchableKind(kind)) throw new ApiError('invalid-input', 400, `kind must be a workload pullfix patches or Pod, not "${kind}"`);
  if (kind === 'CronJob') {
    const jobs = (await listJobs(clients, namespace)).filter((job) => ownedBy(job.metadata, kind, name)).map((job) => job.metadata?.uid ?? '');
    if (jobs.length === 0) return [];
    return listPodsMatching(clients, namespace, { labelSelector: `${JOB_CONTROLLER_UID_LABELS[0]} in (${jobs.join(',')})` });
  }
  const labelSelector = selectorString((await getWorkload(clients, namespace, { kind, name })).selector);
  const pods = await listPodsMatching(clients, namespace, { labelSelector });
  if (kind !== 'Deployment') return pods.filter((pod) => ownedBy(pod.metadata, kind, name));
  const replicaSets = new Set(
    (await listReplicaSets(clients, namespace, labelSelector)).filter((replicaSet) => ownedBy(replicaSet.metadata, kind, name)).map((replicaSet) => replicaSet.metadata?.name ?? ''),
  );
  return pods.filter((pod) => {
    const controller = controllerOf(pod.metadata);
    return controller?.kind === 'ReplicaSet' && replicaSets.has(controller.name);
  });
}

/** metav1.LabelSelectorAsSelector's text form: `k=v` for matchLabels, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`. */
export function selectorString(selector: V1LabelSelector | undefined): string {
  const labels = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  const expressions = (selector?.matchExpressions ?? []).map(({ key, operator, values }) => {
    switch (operator) {
      case 'In':
        return `${key} in (${(values ?? []).join(',')})`;
      case 'NotIn':
        return `${key} notin (${(values ?? []).join(',')})`;
      case 'Exists':
        return key;
      default:
        return `!${key}`;
    }
  });
  return [...labels, ...expressions].join(',');
}

function runsImage(pod: V1Pod, { container, image }: { container: string; image: string }): boolean {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].some((candidate) => candidate.name === container && candidate.image === image);
}

function ownedBy(metadata: V1ObjectMeta | undefined, kind: string, name: string): boolean {
  const controller = controllerOf(metadata);
  return controller?.kind === kind && controller.name === name;
}

function progressPod(pod: V1Pod): ProgressPod {
  return {
    name: pod.metadata?.name ?? '',
    created: isoTime(pod.metadata?.creationTimestamp) ?? '',
    phase: pod.status?.phase ?? 'Pending',
    containers: podContainers(pod)
      .filter((container) => container.containerType !== 'ephemeral')
      .map((container): ProgressContainer => {
        const state = container.status?.state;
        const reason = state?.waiting?.reason ?? state?.terminated?.reason ?? null;
        return {
          name: container.name,
          state: state?.waiting ? 'waiting' : state?.running ? 'running' : state?.terminated ? 'terminated' : 'unknown',
          reason,
          pulled: Boolean(state?.running || state?.terminated || (state?.waiting && reason && !PULL_WAITING_REASONS.has(reason) && !BEFORE_PULL.has(reason))),
        };
      }),
  };
}

async function failureOf(context: string, namespace: string, pod: ProgressPod): Promise<FixProgress['failure']> {
  const diagnosis = await getPodDiagnosis(context, namespace, pod.name);
  const container = diagnosis.containers.find((candidate) => candidate.failing && candidate.verdict);
  if (!container?.verdict) return null;
  return { pod: pod.name, container: container.name, verdict: container.verdict };
}

async function cronJobNote(clients: KubeClients, namespace: string, name: string): Promise<string> {
  const cronJob = await getWorkload(clients, namespace, { kind: 'CronJob', name });
  return `CronJob ${name} runs its next Job on its schedule (${cronJob.schedule ?? 'unknown'}); that Job's pod uses the secret`;
}
