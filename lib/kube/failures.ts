import 'server-only';

import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { ApiWarning, FailuresResponse, PullFailure } from '../api/types';
import { clientsFor, type KubeClients } from './config';
import { podCredentials } from './credentials';
import { diagnoseContainer, latestPullError } from './diagnose';
import { readNamespace, readOrWarn, type NamespaceReads } from './namespace-reads';
import { resolveOwners, workloadKey } from './owners';
import { listEvents, listPods, POD_PAGE_SIZE } from './reads';
import { isoTime } from './timestamps';
import { MISSING_PULL_SECRET_EVENT, podContainers, pullWaits, type PullWait } from './pull-waits';

/** Namespaces read at once: each read is up to five concurrent lists, and API servers throttle bursts. */
const NAMESPACE_CONCURRENCY = 8;

/** Pods per list page: large enough that most clusters need one call, small enough to bound one response. */

/**
 * The most API calls one failures query makes: the pod list pages, one list of the kubelet's missing-secret
 * warnings, and at most five lists per namespace that has failures (events, secrets, service accounts,
 * ReplicaSets, Jobs). It does not grow with the number of pods beyond the page count.
 */
export function failuresCallBudget(pods: number, affectedNamespaces: number): number {
  return Math.max(1, Math.ceil(pods / POD_PAGE_SIZE)) + 1 + 5 * affectedNamespaces;
}

/** Every container in the context (one namespace, or all when null) that cannot pull its image, diagnosed. */
export async function listPullFailures(context: string, namespace: string | null): Promise<FailuresResponse> {
  const clients = clientsFor(context);
  const fetchedAt = new Date().toISOString();
  const warnings: ApiWarning[] = [];
  const pods = await listPods(clients, namespace);
  const warned = await podsWarnedOfMissingSecrets(clients, namespace, warnings);

  const failing = new Map<V1Pod, PullWait[]>();
  for (const pod of pods) {
    const waits = pullWaits(pod);
    const warning = warned.get(podKey(pod));
    if (waits.length > 0) failing.set(pod, waits);
    else if (warning) failing.set(pod, missingSecretWaits(pod, warning));
  }

  const affected = [...new Set([...failing.keys()].map((pod) => pod.metadata?.namespace ?? ''))].sort();
  const reads = new Map<string, NamespaceReads>();
  await forEachConcurrently(affected, NAMESPACE_CONCURRENCY, async (name) => {
    const inNamespace = [...failing.keys()].filter((pod) => pod.metadata?.namespace === name);
    reads.set(name, await readNamespace(clients, name, inNamespace, warnings));
  });

  const totals = workloadTotals(pods, failing, reads);
  const items = [...failing].flatMap(([pod, waits]) => {
    const podNamespace = pod.metadata?.namespace ?? '';
    const read = reads.get(podNamespace);
    if (!read) return [];
    return waits.map((wait) => pullFailure(pod, wait, read, totals));
  });
  items.sort(byLocation);
  return { items, fetchedAt, warnings: warnings.sort(byNamespaceAndCode) };
}

function pullFailure(
  pod: V1Pod,
  wait: PullWait,
  read: NamespaceReads,
  totals: Map<string, { failing: number; total: number }>,
): PullFailure {
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  const credentials = podCredentials(pod, read.credentials);
  const finding = diagnoseContainer(
    {
      containerType: wait.containerType,
      imageInput: wait.image,
      reason: wait.reason,
      message: wait.message,
      eventMessage: latestPullError(read.events ?? [], name, wait.container),
    },
    credentials,
  );
  const { workload } = resolveOwners(pod, read.owners);
  return {
    namespace,
    pod: name,
    container: wait.container,
    containerType: wait.containerType,
    imageInput: wait.image,
    image: finding.image,
    imageError: finding.imageError,
    reason: wait.reason,
    message: wait.message,
    cause: finding.cause,
    verdict: finding.verdict,
    workload,
    workloadPods: totals.get(workloadKey(namespace, workload, name)) ?? { failing: 1, total: 1 },
    podCreated: isoTime(pod.metadata?.creationTimestamp) ?? '',
    pullSecrets: finding.credentials.state,
  };
}

/**
 * The kubelet's FailedToRetrieveImagePullSecret warnings, by pod: the pull goes on anonymously, so the pod may
 * show no pull failure at all, or one whose real cause is this missing secret.
 */
async function podsWarnedOfMissingSecrets(
  clients: KubeClients,
  namespace: string | null,
  warnings: ApiWarning[],
): Promise<Map<string, CoreV1Event>> {
  const fieldSelector = `reason=${MISSING_PULL_SECRET_EVENT}`;
  const list = await readOrWarn(
    clients,
    namespace,
    'missing-secret warnings',
    () => listEvents(clients, namespace, fieldSelector),
    warnings,
  );
  const events = list ?? [];
  const byPod = new Map<string, CoreV1Event>();
  for (const event of events) {
    const involved = event.involvedObject;
    if (event.reason !== MISSING_PULL_SECRET_EVENT || involved.kind !== 'Pod' || !involved.name) continue;
    byPod.set(`${involved.namespace ?? event.metadata?.namespace ?? ''}/${involved.name}`, event);
  }
  return byPod;
}

/** A warned pod that shows no pull wait: each of its containers pulls without the secret it was meant to have. */
function missingSecretWaits(pod: V1Pod, event: CoreV1Event): PullWait[] {
  return podContainers(pod).map((container) => ({
    container: container.name,
    containerType: container.containerType,
    image: container.image,
    reason: 'FailedToRetrieveImagePullSecret',
    message: event.message ?? '',
  }));
}

function workloadTotals(
  pods: V1Pod[],
  failing: Map<V1Pod, PullWait[]>,
  reads: Map<string, NamespaceReads>,
): Map<string, { failing: number; total: number }> {
  const totals = new Map<string, { failing: number; total: number }>();
  for (const pod of pods) {
    const namespace = pod.metadata?.namespace ?? '';
    const read = reads.get(namespace);
    if (!read) continue;
    const key = workloadKey(namespace, resolveOwners(pod, read.owners).workload, pod.metadata?.name ?? '');
    const total = totals.get(key) ?? { failing: 0, total: 0 };
    total.total += 1;
    if (failing.has(pod)) total.failing += 1;
    totals.set(key, total);
  }
  return totals;
}

function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

function byNamespaceAndCode(a: ApiWarning, b: ApiWarning): number {
  return (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.code.localeCompare(b.code);
}

async function forEachConcurrently<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function byLocation(a: PullFailure, b: PullFailure): number {
  return a.namespace.localeCompare(b.namespace) || a.pod.localeCompare(b.pod);
}
