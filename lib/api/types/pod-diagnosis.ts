import type { EcrTokenAge } from '../../registry/ecr-token';

/**
 * GET /api/contexts/{context}/namespaces/{namespace}/pods/{pod}: one pod's diagnosis.
 * Part of the API's JSON types (gathered in index.ts): types only, nothing server-side.
 */
import type { ImageRef } from '../../image-ref';
import type { PullFailureCause } from '../../diagnosis';
import type { CredentialMatchRule } from '../../pull-secrets';
import type { CandidateCheck, Verification } from '../../pull-verification';
import type { ApiWarning } from './errors';
import type { ContainerType, ImageProblem, VerdictSummary, WorkloadRef } from './failures';

export interface PodDiagnosis {
  context: string;
  namespace: string;
  pod: string;
  /** The pod's creationTimestamp. */
  created: string;
  /** status.phase: 'Pending', 'Running', … */
  phase: string;
  nodeName: string | null;
  serviceAccount: string;
  /** The workload a person manages (top of `owners`), or null for a bare pod. */
  workload: WorkloadRef | null;
  /** The owner chain from the pod's controller upwards: [ReplicaSet, Deployment], [Job, CronJob], … */
  owners: WorkloadRef[];
  containers: ContainerDiagnosis[];
  /** The pod's events, oldest first by last seen. */
  events: PodEvent[];
  secrets: SecretsPanel;
  fetchedAt: string;
  warnings: ApiWarning[];
}

export interface ContainerDiagnosis {
  name: string;
  containerType: ContainerType;
  imageInput: string;
  image: ImageRef | null;
  imageError: ImageProblem | null;
  /** What the reference left out and the kubelet filled in (image.implied; all false when it does not parse). */
  implied: ImpliedParts;
  imagePullPolicy: string | null;
  /** 'waiting', 'running', 'terminated', or 'unknown' when the kubelet has not reported the container yet. */
  state: 'waiting' | 'running' | 'terminated' | 'unknown';
  /** The waiting or terminated reason, when there is one. */
  reason: string | null;
  message: string | null;
  /** True when the container waits on one of the pull reasons. */
  failing: boolean;
  /** Set for failing containers only. */
  cause: PullFailureCause | null;
  verdict: VerdictSummary | null;
  /** For each pull secret in the panel: whether the kubelet would use it for this image and by which rule. */
  secretMatches: SecretMatch[];
  /** Failing containers: how much of the verdict the registry confirmed. */
  verification: Verification | null;
  /** The credentials in reach of this image (secret and entry), each with its `check`; can-pull first. */
  candidates: CandidateCheck[];
}

export interface ImpliedParts {
  /** The reference names no registry: docker.io was assumed. */
  registry: boolean;
  /** A one-component Docker Hub name: the 'library/' account was assumed. */
  account: boolean;
  /** Neither tag nor digest was written: ':latest' was assumed. */
  tag: boolean;
}

export interface SecretMatch {
  secret: string;
  /** The registry entry (server as written) this explanation is about. */
  server: string;
  matches: boolean;
  /** The rule that decided: 'exact-host', 'glob', 'path-prefix', 'docker-hub-fallback', 'port-mismatch', 'label-count-mismatch', 'host-mismatch', 'path-mismatch', 'invalid-key'. */
  rule: CredentialMatchRule;
  explanation: string;
}

export interface PodEvent {
  type: string;
  reason: string;
  message: string;
  count: number;
  firstSeen: string | null;
  lastSeen: string | null;
  /** The component that reported it ('kubelet', 'default-scheduler', …) and the node when known. */
  source: string;
  /** The container the event is about (from involvedObject.fieldPath), or null for the pod. */
  container: string | null;
}

export interface SecretsPanel {
  /** False when the user may not read secrets; `note` then says so and the lists hold only names. */
  readable: boolean;
  note: string | null;
  /** Secrets attached to the pod or to its service account, pod order first. */
  secrets: PullSecretView[];
  /** Pull secrets of the namespace that are not attached but would match one of the pod's images. */
  unattachedMatching: PullSecretView[];
  /** Names the pod or its service account reference that do not exist. */
  missing: string[];
  serviceAccount: ServiceAccountView | null;
}

export interface PullSecretView {
  name: string;
  /** The Secret's type as stored ('kubernetes.io/dockerconfigjson', 'Opaque', …). */
  type: string;
  /** Where it is attached: on the pod, on the service account, or both. Empty for unattached secrets. */
  attachedTo: ('pod' | 'service-account')[];
  /** 'ok', or why the kubelet cannot use it. */
  status: 'ok' | 'malformed' | 'wrong-type';
  /** The decode error ('wrong-type', 'missing-key', 'bad-base64', 'bad-json', 'bad-auth') and its message. */
  problem: { code: string; message: string } | null;
  created: string | null;
  entries: RegistryEntryView[];
}

export interface RegistryEntryView {
  /** The key as written in the secret: 'https://index.docker.io/v1/'. */
  server: string;
  /** The key after the kubelet normalizes it: 'index.docker.io'; null when the kubelet ignores the entry. */
  kubeletKey: string | null;
  username: string | null;
  hasPassword: boolean;
  /** Keyed hash of username:password: equal fingerprints mean equal credentials. */
  fingerprint: string | null;
  /** For an ECR login: how old its 12-hour token is, from the token itself or, failing that, the secret's creation. */
  ecrToken?: EcrTokenAge | null;
  email: string | null;
  /** Why the kubelet ignores this entry (a key that is not a URL); null when it uses it. */
  ignoredReason: string | null;
}

export interface ServiceAccountView {
  name: string;
  /** False when the service account does not exist (or could not be read: see warnings). */
  exists: boolean;
  /** Its imagePullSecrets names. */
  imagePullSecrets: string[];
  /** Names on the service account the pod lacks: admission copied the list when the pod was created, not since. */
  addedAfterPod: string[];
}
