/**
 * GET /api/contexts/{context}/failures: the failing pulls, and the summaries the pod detail shares.
 * Part of the API's JSON types (gathered in index.ts): types only, nothing server-side.
 */
import type { ImageRef, ImageRefBreak } from '../../image-ref';
import type { PullFailureCause } from '../../diagnosis';
import type { VerdictCode } from '../../verdicts';
import type { Verification } from '../../pull-verification';
import type { ApiWarning } from './errors';

export interface FailuresResponse {
  /** One item per failing container, sorted by namespace and pod, a pod's containers in spec order (init, regular, ephemeral). */
  items: PullFailure[];
  /** When the cluster was read. */
  fetchedAt: string;
  warnings: ApiWarning[];
  /** How the answer was made: from the watch-fed cache (cluster-wide or per namespace) or read for this request. */
  live?: LiveState;
}

export interface LiveState {
  mode: 'cluster-watch' | 'namespace-watch' | 'read-per-request';
  /** Said to the person when the mode is not the cluster-wide watch: why, and what it costs. */
  notice: string | null;
}

/** Which part of the pod pulls the image: an image volume (KEP-4639) is pulled like a container image. */
export type ContainerType = 'init' | 'regular' | 'ephemeral' | 'image-volume';

/**
 * The kubelet's waiting reasons for a pull, plus the kubelet's warning event for a referenced secret it could
 * not fetch (that pod may still be pulling anonymously).
 */
export type PullFailureReason =
  | 'ErrImagePull'
  | 'ImagePullBackOff'
  | 'InvalidImageName'
  | 'ErrImageNeverPull'
  | 'RegistryUnavailable'
  | 'SignatureValidationFailed'
  | 'ImageInspectError'
  | 'FailedToRetrieveImagePullSecret';

export interface PullFailure {
  namespace: string;
  pod: string;
  container: string;
  containerType: ContainerType;
  /** The image as the pod spec writes it. Always set, even when it does not parse. */
  imageInput: string;
  /** The parsed reference, or null when `imageInput` does not parse (see `imageError`). */
  image: ImageRef | null;
  /** Why `imageInput` does not parse; null when it does. */
  imageError: ImageProblem | null;
  reason: PullFailureReason;
  /** The kubelet's own words: the waiting message, or the warning event's message. */
  message: string;
  cause: PullFailureCause;
  verdict: VerdictSummary;
  /** The object a person manages for this pod; null for a bare pod. */
  workload: WorkloadRef | null;
  /** For the workload (or the bare pod): how many of its pods fail to pull, out of how many it has. */
  workloadPods: { failing: number; total: number };
  /** The pod's creationTimestamp. */
  podCreated: string;
  /**
   * When this container's first failed pull was seen: the oldest pull-failure event about it (firstTimestamp,
   * else eventTime). Null when no such event is readable (events expired or forbidden). The overview sorts by it.
   */
  failingSince: string | null;
  /** The state of the pull secrets this pod's image depends on. */
  pullSecrets: PullSecretState;
  /**
   * Whether `verdict` rests on the registry's answers to the credentials in reach: verified (all tested),
   * partial, or not-tested (the host-match verdict, or a verdict that tests nothing).
   */
  verification: Verification;
}

export interface ImageProblem {
  /** ImageRefError code: 'empty' | 'invalid-format' | 'uppercase' | 'name-too-long' | 'invalid-digest' | 'hex-identifier'. */
  code: string;
  /** The kubelet's own line: `couldn't parse image name "…": …`. */
  message: string;
  /** Where the reference breaks, to point at the character; null when it cannot be pinned down. */
  at: ImageRefBreak | null;
}

export interface VerdictSummary {
  code: VerdictCode;
  /** Short, shown in the list ("missing pull secret"). */
  title: string;
  /** What it means, for this container, in a sentence or two. */
  explanation: string;
  /** What to do about it. */
  fix: string;
  /** The secret the fix is about (to attach, create under that name, or replace), or null. */
  secretName: string | null;
  /** True when secrets could not be read and the verdict rests on what could be seen. */
  partial: boolean;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'CronJob' | 'Job' | 'ReplicaSet' | 'Pod';

export interface WorkloadRef {
  kind: WorkloadKind | string;
  name: string;
}

/** Secret names only: what the overview needs to show the secret situation at a glance. */
export interface PullSecretState {
  /** Names in the pod's spec.imagePullSecrets, in order. */
  attached: string[];
  /** Attached secrets with an entry the kubelet would use for this image. */
  matching: string[];
  /** Pull secrets of the namespace, not attached to the pod, that would match this image. */
  unattachedMatching: string[];
  /** Names the pod or its service account reference that do not exist. */
  missing: string[];
  /** Attached secrets that cannot be decoded or have the wrong type. */
  malformed: string[];
  /** False when the user may not read secrets: the other lists then hold only what the pod spec says. */
  readable: boolean;
}
