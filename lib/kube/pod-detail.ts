import 'server-only';

import type { CoreV1Event, V1Node, V1Pod, V1Secret } from '@kubernetes/client-node';
import type { ApiWarning, ContainerDiagnosis, PodDiagnosis, PodEvent, SecretsPanel } from '../api/types';
import { cacheRegistry } from './cache';
import { cachedNamespaceReads, cachedSecretsElsewhere } from './cache/failures-from-lists';
import { clientsFor } from './config';
import { imageCredentials, podCredentials, type NamespaceCredentials, type PodCredentials } from './credentials';
import type { DebugTarget } from '../verdict-context';
import { containerOfFieldPath, credentialLookup, debugTarget, diagnoseContainer, latestPullError, parseImage } from './diagnose';
import { readNamespace } from './namespace-reads';
import { resolveOwners } from './owners';
import { PULL_WAITING_REASONS, podContainers, type PodContainer } from './pull-waits';
import { getNode, getPod, unlessRefused } from './reads';
import { isoTime } from './timestamps';
import { readSecretsElsewhere, verificationEnabled, verifyFinding } from './verification/verify-finding';

/** A person opened this pod: worth waiting for the registry longer than the overview does. */
const VERIFY_WAIT_MS = 10_000;

/**
 * One pod's pull diagnosis: each container's image breakdown and verdict, the kubelet's events, the pull
 * secrets the pod can use and why each does or does not match, and the owner chain. One get for the pod, then
 * the namespace's objects from the context's cache, or, without a current cache, the failures query's reads.
 * Identical diagnoses in flight at once are made once.
 */
export function getPodDiagnosis(context: string, namespace: string, name: string, options: { recheck?: boolean } = {}): Promise<PodDiagnosis> {
  // Several people opening one pod during an incident: identical diagnoses in flight share one set of reads.
  const key = [context, namespace, name, options.recheck === true].join('\u0000');
  let pending = inFlight.get(key);
  if (!pending) {
    pending = diagnosePod(context, namespace, name, options).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

const inFlight = new Map<string, Promise<PodDiagnosis>>();

async function diagnosePod(context: string, namespace: string, name: string, options: { recheck?: boolean }): Promise<PodDiagnosis> {
  const clients = clientsFor(context);
  const fetchedAt = new Date().toISOString();
  const pod = await getPod(clients, namespace, name);
  const warnings: ApiWarning[] = [];
  // From the context's cache when it watches this namespace: one get for the pod (whole, untrimmed) and no lists.
  const cached = cacheRegistry().syncedLists(context, namespace);
  const reads = cached ? cachedNamespaceReads(cached, namespace, [pod], warnings, context) : await readNamespace(clients, namespace, [pod], warnings);
  const credentials = podCredentials(pod, reads.credentials);
  const events = (reads.events ?? []).filter((event) => isAbout(event, pod));
  const chain = resolveOwners(pod, reads.owners);
  const node = pod.spec?.nodeName ? await unlessRefused(getNode(clients, pod.spec.nodeName), 'forbidden', 'not-found') : null;
  const containers = podContainers(pod).map((container) => containerDiagnosis(container, credentials, events, name, debugTarget(pod), node));
  const refused = containers.some((container) => container.cause === 'unauthorized');
  const elsewhere = refused && verificationEnabled() ? (cached ? cachedSecretsElsewhere(cached) : await readSecretsElsewhere(clients)) : null;

  return {
    context,
    namespace,
    pod: name,
    created: isoTime(pod.metadata?.creationTimestamp) ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    nodeName: pod.spec?.nodeName ?? null,
    serviceAccount: pod.spec?.serviceAccountName ?? 'default',
    workload: chain.workload,
    owners: chain.owners,
    containers: await Promise.all(containers.map((container) => verifyContainer(container, pod, reads.credentials, elsewhere, options))),
    events: events.map(podEvent).sort((a, b) => (a.lastSeen ?? '').localeCompare(b.lastSeen ?? '')),
    secrets: secretsPanel(pod, credentials),
    fetchedAt,
    warnings,
  };
}

/** The verdict verified against the registry, with every candidate credential's check; `recheck` bypasses the cache. */
async function verifyContainer(
  container: ContainerDiagnosis,
  pod: V1Pod,
  namespace: NamespaceCredentials,
  elsewhere: V1Secret[] | null,
  { recheck = false }: { recheck?: boolean },
): Promise<ContainerDiagnosis> {
  if (!container.failing || container.verdict === null || container.cause === null) return container;
  const verified = await verifyFinding(
    { pod, image: container.image, cause: container.cause, verdict: container.verdict },
    namespace,
    elsewhere,
    { waitMs: VERIFY_WAIT_MS, force: recheck },
  );
  return { ...container, ...verified };
}

function containerDiagnosis(
  container: PodContainer,
  credentials: PodCredentials,
  events: CoreV1Event[],
  pod: string,
  target: DebugTarget,
  node: V1Node | null,
): ContainerDiagnosis {
  const state = container.status?.state;
  const waiting = state?.waiting;
  const failing = container.blockedBy === null && waiting?.reason !== undefined && PULL_WAITING_REASONS.has(waiting.reason);
  const base = {
    name: container.name,
    containerType: container.containerType,
    imageInput: container.image,
    imagePullPolicy: container.imagePullPolicy,
    state: waiting ? 'waiting' : state?.running ? 'running' : state?.terminated ? 'terminated' : 'unknown',
    reason: waiting?.reason ?? state?.terminated?.reason ?? null,
    message: waiting?.message ?? state?.terminated?.message ?? null,
  } as const;
  if (failing) {
    const finding = diagnoseContainer(
      {
        name: container.name,
        containerType: container.containerType,
        imageInput: container.image,
        reason: waiting.reason ?? '',
        message: waiting.message ?? '',
        eventMessage: latestPullError(events, pod, container),
        pod: target,
        pullPolicy: container.imagePullPolicy,
        node,
      },
      credentials,
    );
    return {
      ...base,
      image: finding.image,
      imageError: finding.imageError,
      implied: finding.image?.implied ?? NOTHING_IMPLIED,
      failing: true,
      cause: finding.cause,
      verdict: finding.verdict,
      secretMatches: finding.credentials.matches,
      verification: { state: 'not-tested', checkedAt: null },
      candidates: [],
    };
  }
  const { image, error } = parseImage(container.image);
  return {
    ...base,
    image,
    imageError: error,
    implied: image?.implied ?? NOTHING_IMPLIED,
    failing: false,
    cause: null,
    verdict: null,
    secretMatches: imageCredentials(credentials, image ? credentialLookup(image) : null).matches,
    verification: null,
    candidates: [],
  };
}

const NOTHING_IMPLIED = { registry: false, account: false, tag: false };

function secretsPanel(pod: V1Pod, credentials: PodCredentials): SecretsPanel {
  const matchingUnattached = new Set(
    podContainers(pod).flatMap((container) => {
      const { image } = parseImage(container.image);
      return image ? imageCredentials(credentials, credentialLookup(image)).state.unattachedMatching : [];
    }),
  );
  return {
    readable: credentials.readable,
    note: credentials.readable
      ? null
      : 'Secrets could not be read with this context\'s permissions: the secret names come from the pod spec, and whether they exist, decode or match is unknown.',
    secrets: credentials.attached.map((secret) => secret.view),
    unattachedMatching: credentials.unattached.filter((secret) => matchingUnattached.has(secret.view.name)).map((secret) => secret.view),
    missing: credentials.missing,
    serviceAccount: credentials.serviceAccount,
  };
}

function isAbout(event: CoreV1Event, pod: V1Pod): boolean {
  const involved = event.involvedObject;
  if (involved.kind !== 'Pod' || involved.name !== pod.metadata?.name) return false;
  // A pod deleted and re-created under the same name (StatefulSets) keeps its predecessor's events.
  return !involved.uid || !pod.metadata?.uid || involved.uid === pod.metadata.uid;
}

function podEvent(event: CoreV1Event): PodEvent {
  const component = event.source?.component ?? event.reportingComponent ?? '';
  const host = event.source?.host ?? event.reportingInstance ?? '';
  return {
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    message: event.message ?? '',
    count: event.count ?? event.series?.count ?? 1,
    firstSeen: isoTime(event.firstTimestamp ?? event.eventTime),
    lastSeen: isoTime(event.lastTimestamp ?? event.series?.lastObservedTime ?? event.eventTime),
    source: host && component ? `${component}, ${host}` : component || host,
    container: containerOfFieldPath(event.involvedObject.fieldPath),
  };
}
