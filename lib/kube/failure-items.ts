import 'server-only';

import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { PullFailure } from '../api/types';
import { podCredentials } from './credentials';
import { containerOfFieldPath, debugTarget, diagnoseContainer, latestPullError } from './diagnose';
import type { NamespaceReads } from './namespace-reads';
import { resolveOwners, workloadKey } from './owners';
import { MISSING_PULL_SECRET_EVENT, podContainers, pullWaits, type PullWait } from './pull-waits';
import { isoTime } from './timestamps';

/** A failure item before its verdict was checked against the registry (lib/kube/verification/verify-items.ts). */
export type UnverifiedFailure = Omit<PullFailure, 'verification'>;

/**
 * The failing containers among `pods`, diagnosed from what was read about their namespaces: the pure half of
 * the failures query, shared by the read-per-request path and the watch-fed cache. `warned` holds the kubelet's
 * missing-secret warnings by "namespace/pod"; a pod whose namespace has no reads is left out.
 */
export function failureItems(pods: V1Pod[], warned: Map<string, CoreV1Event>, reads: Map<string, NamespaceReads>): UnverifiedFailure[] {
  const failing = failingPods(pods, warned);
  const totals = workloadTotals(pods, failing, reads);
  const eventsByPod = new Map<NamespaceReads, Map<string, CoreV1Event[]>>();
  const items = [...failing].flatMap(([pod, waits]) => {
    const read = reads.get(pod.metadata?.namespace ?? '');
    if (!read) return [];
    // Each container's evidence is its pod's events: indexed once a namespace, not scanned whole per container.
    let index = eventsByPod.get(read);
    if (!index) eventsByPod.set(read, (index = byInvolvedPod(read.events ?? [])));
    const events = index.get(pod.metadata?.name ?? '') ?? [];
    return waits.map((wait) => pullFailure(pod, wait, read, events, totals));
  });
  return items.sort(byLocation);
}

/** Each pod that waits on a pull, or that the kubelet warned of a missing pull secret, with its failing containers. */
export function failingPods(pods: V1Pod[], warned: Map<string, CoreV1Event>): Map<V1Pod, PullWait[]> {
  const failing = new Map<V1Pod, PullWait[]>();
  for (const pod of pods) {
    const waits = pullWaits(pod);
    const warning = warned.get(podKey(pod));
    if (waits.length > 0) failing.set(pod, waits);
    else if (warning) failing.set(pod, missingSecretWaits(pod, warning));
  }
  return failing;
}

/** The kubelet's missing-secret warnings by "namespace/pod"; other events are ignored. */
export function missingSecretWarnings(events: Iterable<CoreV1Event>): Map<string, CoreV1Event> {
  const byPod = new Map<string, CoreV1Event>();
  for (const event of events) {
    const involved = event.involvedObject;
    if (event.reason !== MISSING_PULL_SECRET_EVENT || involved.kind !== 'Pod' || !involved.name) continue;
    byPod.set(`${involved.namespace ?? event.metadata?.namespace ?? ''}/${involved.name}`, event);
  }
  return byPod;
}

export function byLocation(a: UnverifiedFailure, b: UnverifiedFailure): number {
  return a.namespace.localeCompare(b.namespace) || a.pod.localeCompare(b.pod);
}

/** `events` are the pod's own. */
function pullFailure(
  pod: V1Pod,
  wait: PullWait,
  read: NamespaceReads,
  events: CoreV1Event[],
  totals: Map<string, { failing: number; total: number }>,
): UnverifiedFailure {
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  const credentials = podCredentials(pod, read.credentials);
  const finding = diagnoseContainer(
    {
      name: wait.container,
      containerType: wait.containerType,
      imageInput: wait.image,
      reason: wait.reason,
      message: wait.message,
      eventMessage: latestPullError(events, name, { name: wait.container, containerType: wait.containerType, image: wait.image }),
      pod: debugTarget(pod),
      pullPolicy: wait.pullPolicy,
      node: read.nodes?.get(pod.spec?.nodeName ?? '') ?? null,
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
    failingSince: firstPullFailure(events, name, wait.container, wait.reason === MISSING_PULL_SECRET_EVENT),
    pullSecrets: finding.credentials.state,
  };
}

/**
 * When the kubelet first reported this container's pull failing: the oldest of its "Failed to pull image",
 * "Error: ErrImagePull"-style and "Back-off pulling image" events (an aggregated event keeps its firstTimestamp
 * as its count grows). `missingSecret` counts the pod's missing-secret warning too, for items that rest on it.
 */
export function firstPullFailure(events: CoreV1Event[], pod: string, container: string, missingSecret: boolean): string | null {
  let first: number | null = null;
  for (const event of events) {
    if (event.involvedObject.name !== pod || !isPullFailureEvent(event, container, missingSecret)) continue;
    const stamp = event.firstTimestamp ?? event.eventTime ?? event.lastTimestamp;
    const at = stamp instanceof Date ? stamp.getTime() : Date.parse(String(stamp ?? ''));
    if (Number.isFinite(at) && (first === null || at < first)) first = at;
  }
  return first === null ? null : isoTime(new Date(first));
}

const PULL_FAILURE_MESSAGE = /^(Failed to pull image|Back-off pulling image|Error: (ErrImagePull|ImagePullBackOff|ErrImageNeverPull|InvalidImageName))\b/;

/** The kubelet's events from `imageManager.EnsureImageExists` and its pull back-off; other Failed/BackOff events are about running. */
function isPullFailureEvent(event: CoreV1Event, container: string, missingSecret: boolean): boolean {
  if (event.reason === MISSING_PULL_SECRET_EVENT) return missingSecret;
  if (containerOfFieldPath(event.involvedObject.fieldPath) !== container) return false;
  if (event.reason === 'InspectFailed' || event.reason === 'ErrImageNeverPull') return true;
  return (event.reason === 'Failed' || event.reason === 'BackOff') && PULL_FAILURE_MESSAGE.test(event.message ?? '');
}

function byInvolvedPod(events: CoreV1Event[]): Map<string, CoreV1Event[]> {
  const byPod = new Map<string, CoreV1Event[]>();
  for (const event of events) {
    const pod = event.involvedObject.name ?? '';
    const held = byPod.get(pod);
    if (held) held.push(event);
    else byPod.set(pod, [event]);
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
    pullPolicy: container.imagePullPolicy,
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
