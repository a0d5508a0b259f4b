/**
 * The JSON the HTTP API returns (design §3). Shared by the route handlers and the UI, so this file imports types
 * only, from pure modules: nothing here may pull server code into a client bundle.
 *
 * Every timestamp is an ISO-8601 string as the API server wrote it. No field ever holds a password, a token or a
 * docker `auth` value: credentials appear as username, whether a password is set, and a keyed fingerprint.
 */
import type { ImageRef, ImageRefBreak } from '../image-ref';
import type { PullFailureCause } from '../diagnosis';
import type { CredentialMatchRule } from '../pull-secrets';
import type { VerdictCode } from '../verdicts';
import type { CandidateCheck, CandidateOrigin, CheckResult, CredentialCheckView, Verification } from '../pull-verification';

export type { CandidateCheck, CandidateOrigin, CheckResult, CredentialCheckView, CredentialMatchRule, ImageRef, ImageRefBreak, PullFailureCause, Verification, VerdictCode };

// ---- Errors ----------------------------------------------------------------------------------------------

/** Every non-2xx answer of the API has this body. */
export interface ApiErrorBody {
  error: ApiErrorJson;
}

/** The error as JSON; `ApiError` in lib/api/errors.ts is the class that carries it. */
export interface ApiErrorJson {
  code: ApiErrorCode;
  /** A sentence a person can act on ("the cluster at https://… is not reachable: connection refused — …"). */
  message: string;
  /** The Kubernetes Status reason ('Forbidden', 'NotFound', 'Unauthorized', …) or null when the cluster gave none. */
  reason: string | null;
  /** The HTTP status of this response. */
  status: number;
}

export type ApiErrorCode =
  | 'invalid-input' // a path or query parameter failed validation (400)
  | 'kubeconfig-missing' // no kubeconfig file and not running in a pod (500)
  | 'kubeconfig-invalid' // the kubeconfig could not be read or parsed (500)
  | 'unknown-context' // the context is not in the kubeconfig (404)
  | 'unauthorized' // the cluster rejected the credentials: 401 (401)
  | 'forbidden' // the user may not do this: 403 (403)
  | 'not-found' // the object does not exist (404)
  | 'unreachable' // connection refused, DNS failure, reset (502)
  | 'tls' // the cluster's certificate was not trusted (502)
  | 'timeout' // the cluster did not answer in time (504)
  | 'cluster-error' // any other answer from the cluster (502, or its own status when 4xx)
  | 'conflict' // the object changed or already exists: 409 (409)
  | 'fix-failed' // a step of an applied fix failed; what it created was undone (the failed step's status)
  | 'access-token-required' // pullfix listens beyond loopback and the request has no valid access token (401)
  | 'host-not-accepted' // the Host is not one of the names pullfix answers (421): DNS rebinding, a stray proxy
  | 'csrf-rejected' // a mutation without the CSRF token, or from another origin (403)
  | 'rate-limited' // too many requests from this client (429)
  | 'registry-error' // a registry check could not be carried out (502)
  | 'credential-refused'; // the registry refused the credential a fix would apply, and the request did not accept that (422)

/** A partial result: what could not be read and why, in plain words. The rest of the response is still valid. */
export interface ApiWarning {
  code: 'secrets-forbidden' | 'events-forbidden' | 'service-accounts-forbidden' | 'owners-forbidden' | 'read-failed';
  /** The namespace the warning is about; null when it concerns the whole query. */
  namespace: string | null;
  message: string;
}

// ---- GET /api/contexts -----------------------------------------------------------------------------------

export interface ContextsResponse {
  contexts: ContextSummary[];
}

export interface ContextSummary {
  /** The kubeconfig context name ('in-cluster' when running with the pod's service account). */
  name: string;
  cluster: string;
  user: string;
  /** The context's default namespace, or null when it sets none. */
  namespace: string | null;
  /** True for the kubeconfig's current-context. */
  current: boolean;
  /** The API server URL of the context's cluster, or null when the cluster entry is missing. */
  server: string | null;
}

// ---- GET /api/contexts/{context}/failures?namespace= ---------------------------------------------------------

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

export type ContainerType = 'init' | 'regular' | 'ephemeral';

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
  /** The pod's creationTimestamp (the UI shows its age). */
  podCreated: string;
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

// ---- GET /api/contexts/{context}/namespaces/{namespace}/pods/{pod} -------------------------------------------

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

// ---- POST /api/registry/check ------------------------------------------------------------------------------

/** Whose credentials to test: typed in the form, a pull secret read on the server, or none. */
export type RegistryCheckCredential =
  | { kind: 'typed'; username: string; password: string }
  | { kind: 'secret'; namespace: string; name: string }
  | { kind: 'anonymous' };

/** The registry's answer about one image and one credential. Never holds a password or token. */
export interface RegistryCheckResponse {
  /** True when the credential can pull the image. */
  ok: boolean;
  /** Why not, in classifyPullFailure's words ('unauthorized', 'not-found', 'rate-limit', …); null when ok. */
  cause: PullFailureCause | null;
  /** Plain words: who can pull what, or what the registry refused and what to check. */
  message: string;
  /** The manifest digest when ok. */
  digest: string | null;
  /** 'os/arch[/variant]' of each image an index offers; null for a single-image manifest or a failure. */
  platforms: string[] | null;
  registry: string;
  repository: string;
  /** The tag or digest checked. */
  reference: string;
  /** The username tested (typed, or from the secret's matching entry); null for an anonymous check. */
  username: string | null;
  /** The secret the credential came from, or null. */
  secret: string | null;
  checkedAt: string;
}

// ---- GET /api/contexts/{context}/namespaces/{namespace}/pods/{pod}/registry?container= ------------------------

/** What the registry holds for one container's image: tags closest to the one asked for, and platforms. */
export interface PodRegistryInfo {
  container: string;
  /** The image as the pod spec writes it. */
  image: string;
  /** The tag asked for (null when the image is pinned by digest alone). */
  requestedTag: string | null;
  /** The pull secret the listing used (the one the kubelet would pick), or null for anonymous access. */
  credential: { secret: string; username: string } | null;
  tags: TagSuggestionsResult;
  platforms: PlatformComparison;
}

export type TagSuggestionsResult =
  | { ok: true; /** Closest to the requested tag first. */ suggestions: string[]; complete: boolean }
  | { ok: false; cause: PullFailureCause; message: string };

export interface PlatformComparison {
  /** What the image offers; null when it could not be read (see `imageMessage`). */
  image: string[] | null;
  imageMessage: string | null;
  nodeName: string | null;
  /** The node's 'os/architecture'; null when unknown (see `nodeMessage`). */
  node: string | null;
  nodeMessage: string | null;
}

// ---- POST /api/contexts/{context}/namespaces/{namespace}/image-fixes ------------------------------------------

export type { ImageFixRequest } from './fix-request';

export interface ImageFixResponse {
  mode: 'preview' | 'apply';
  /** What gets patched: the workload that owns the pod, or the bare pod itself. */
  target: WorkloadRef;
  container: string;
  from: string;
  to: string;
  /** The strategic merge patch, as YAML. */
  patch: string;
  /** The SelfSubjectAccessReview's answer for patching the target. */
  allowed: boolean;
  /** Why not, when not allowed. */
  deniedReason: string | null;
  /** The server-side dry run of the patch. */
  dryRun: { ok: boolean; message: string | null };
  /** True once the patch was applied (mode 'apply' only). */
  applied: boolean;
}
