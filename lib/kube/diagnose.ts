import 'server-only';

import type { CoreV1Event, V1Node, V1Pod } from '@kubernetes/client-node';
import { findProvider } from '../credential-providers';
import type { ContainerType, ImageProblem, ImageRef, PullFailureCause, VerdictSummary } from '../api/types';
import { classifyPullFailure } from '../diagnosis';
import { ImageRefError, parseImageRef } from '../image-ref';
import type { NodeImageFacts } from '../cached-image-verdict';
import { decidePullVerdict } from '../pull-verdict';
import { verdictInContext, type DebugTarget } from '../verdict-context';
import { imageCredentials, type ImageCredentials, type PodCredentials } from './credentials';
import { MISSING_PULL_SECRET_EVENT } from './pull-waits';

export interface ContainerPull {
  /** The container's name, or the image volume's. */
  name: string;
  /** Which part of the pod: a debug (ephemeral) container's fixes differ, an image volume's wording does. */
  containerType: ContainerType;
  /** The image as the spec writes it. */
  imageInput: string;
  /** The waiting reason (or the warning event's reason). */
  reason: string;
  message: string;
  /** The kubelet's latest pull error event for this container, when the waiting message is only "Back-off". */
  eventMessage?: string | null;
  /** The pod (debugTarget), for the kubectl command a debug container's fix ends with. */
  pod?: DebugTarget;
  /** The container's imagePullPolicy (an image volume's pullPolicy). */
  pullPolicy?: string | null;
  /** The pod's node, when it was read: its kubelet version and the images it holds (KEP-2535). */
  node?: V1Node | null;
}

export interface ContainerFinding {
  image: ImageRef | null;
  imageError: ImageProblem | null;
  cause: PullFailureCause;
  verdict: VerdictSummary;
  credentials: ImageCredentials;
}

/** The two halves of a diagnosis joined: why the pull failed, and what the credential facts make of it. */
export function diagnoseContainer(pull: ContainerPull, credentials: PodCredentials): ContainerFinding {
  const parsed = parseImage(pull.imageInput);
  const image = parsed.image;
  const forImage = imageCredentials(credentials, image ? credentialLookup(image) : null);
  const cause = causeOf(pull);
  const decided = decidePullVerdict({
    cause: verdictCause(pull, cause, forImage),
    image: pull.imageInput,
    registry: image?.registry ?? '',
    message: pull.eventMessage ?? pull.message,
    serviceAccount: credentials.serviceAccountName,
    podSecrets: forImage.podSecrets,
    serviceAccountSecrets: forImage.serviceAccountSecrets,
    namespaceMatchingSecrets: forImage.state.unattachedMatching,
    secretsReadable: credentials.readable,
    pullPolicy: pull.pullPolicy ?? null,
    node: pull.node && image ? nodeImageFacts(pull.node, image) : null,
    provider: image ? findProvider(credentials.providers, pull.imageInput, annotationsOf(credentials)) : null,
  });
  const { code, title, explanation, fix, secretName, partial } = verdictInContext(decided, {
    containerType: pull.containerType,
    registry: image?.registry ?? '',
    name: pull.name,
    image: pull.imageInput,
    ...(pull.pod ? { pod: pull.pod } : {}),
  });
  const verdict = { code, title, explanation, fix, secretName, partial };
  return { image, imageError: parsed.error, cause, verdict, credentials: forImage };
}

/** The node's kubelet version, and whether its status lists the image by normalized name or by digest. */
export function nodeImageFacts(node: V1Node, image: ImageRef): NodeImageFacts {
  const names = new Set((node.status?.images ?? []).flatMap((listed) => listed.names ?? []));
  const byDigest = image.digest ? `${image.registry}/${image.repository}@${image.digest}` : null;
  return {
    name: node.metadata?.name ?? '',
    kubeletVersion: node.status?.nodeInfo?.kubeletVersion ?? '',
    imagePresent: names.has(image.normalized) || (byDigest !== null && names.has(byDigest)),
  };
}

/** Where a debug container's pod is, for the command that debugs its workload's newest pod. */
export function debugTarget(pod: V1Pod): DebugTarget {
  return { namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', labels: pod.metadata?.labels ?? {} };
}

function annotationsOf(credentials: PodCredentials): { annotationKeys: string[] } | null {
  return credentials.serviceAccountAnnotations === null ? null : { annotationKeys: credentials.serviceAccountAnnotations };
}

/** The string the kubelet looks credentials up with: the normalized repository, no tag or digest. */
export function credentialLookup(image: ImageRef): string {
  return `${image.registry}/${image.repository}`;
}

export function parseImage(input: string): { image: ImageRef | null; error: ImageProblem | null } {
  try {
    return { image: parseImageRef(input), error: null };
  } catch (error) {
    if (!(error instanceof ImageRefError)) throw error;
    return { image: null, error: { code: error.code, message: error.kubeletMessage, at: error.at } };
  }
}

/**
 * The kubelet's own words for a failed pull, most specific first: after a back-off the waiting message may say
 * only "Back-off pulling image", while the Failed event still carries the runtime's error.
 */
function causeOf(pull: ContainerPull): PullFailureCause {
  const fromWaiting = classifyPullFailure(pull.reason, pull.message);
  if (fromWaiting !== 'unknown' || !pull.eventMessage) return fromWaiting;
  return classifyPullFailure(null, pull.eventMessage);
}

/**
 * The kubelet's missing-secret warning says nothing about the registry's answer: the pull may even succeed.
 * When the named secret is confirmed missing, the verdict is the credentials rule that names it.
 */
function verdictCause(pull: ContainerPull, cause: PullFailureCause, credentials: ImageCredentials): PullFailureCause {
  const confirmedMissing = credentials.podSecrets.some((secret) => secret.state === 'missing');
  return pull.reason === MISSING_PULL_SECRET_EVENT && cause === 'unknown' && confirmedMissing ? 'unauthorized' : cause;
}

/** What a pull error event is looked up for: a container by its field path, an image volume by its image. */
export interface PullSubject {
  name: string;
  containerType: ContainerType;
  image: string;
}

/**
 * The newest "Failed to pull image" event about this container or image volume, if any. The kubelet records an
 * image volume's pull events on the pod itself, without a field path (`getImageVolumes` passes the pod's
 * reference to the image manager), so those are told apart by the image they name.
 */
export function latestPullError(events: CoreV1Event[], pod: string, subject: PullSubject): string | null {
  const volumeEvent = `Failed to pull image ${JSON.stringify(subject.image)}`;
  let latest: { at: number; message: string } | null = null;
  for (const event of events) {
    if (event.involvedObject.name !== pod || event.reason !== 'Failed') continue;
    if (subject.containerType === 'image-volume') {
      if (event.involvedObject.fieldPath || !event.message?.startsWith(volumeEvent)) continue;
    } else if (containerOfFieldPath(event.involvedObject.fieldPath) !== subject.name) continue;
    if (!event.message?.startsWith('Failed to pull image')) continue;
    const at = Date.parse(String(event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? ''));
    if (!latest || (Number.isFinite(at) ? at : 0) >= latest.at) latest = { at: Number.isFinite(at) ? at : 0, message: event.message };
  }
  return latest?.message ?? null;
}

/** "spec.containers{app}" → "app"; the kubelet names init and ephemeral containers the same way. */
export function containerOfFieldPath(fieldPath: string | undefined): string | null {
  const match = /^spec\.(?:initContainers|containers|ephemeralContainers)\{(.+)\}$/.exec(fieldPath ?? '');
  return match?.[1] ?? null;
}
