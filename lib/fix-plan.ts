/**
 * The client half of a fix for a pull failure, planned without I/O: the request the form sends, the answers of
 * the fix API, the form's starting point and the checklist the page follows. Components import it, so it must
 * never reach a module that can return a credential: the secret, its bytes, the patches and the previews are
 * the server half, lib/fix-manifests.ts.
 */
import { newSecretSchema, type AttachTargetKind, type CredentialSource, type NewSecretInput } from './api/fix-request';
import type { FixUndo } from './api/fix-undo';
import type { VerdictSummary, WorkloadRef } from './api/types';
import type { GitOpsManagement } from './gitops';
import type { SecretChange } from './secret-diff';

/** What `kubectl rollout restart` sets on the pod template to roll a workload without changing it otherwise. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/** Field → message, as the form shows them beside the inputs. */
export type FieldErrors = Partial<Record<'name' | 'server' | 'username' | 'password' | 'email', string>>;

export function validateNewSecret(input: Omit<NewSecretInput, 'kind'>): FieldErrors {
  const result = newSecretSchema.safeParse({ ...input, kind: 'new' });
  if (result.success) return {};
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    if (field === 'name' || field === 'server' || field === 'username' || field === 'password' || field === 'email') {
      errors[field] ??= issue.message;
    }
  }
  return errors;
}

// ---- Answers of the fix API ------------------------------------------------------------------------------

/** Whether the user may take an option, as the API server's SelfSubjectAccessReviews said. */
export interface Permission {
  allowed: boolean;
  /** Why not, in plain words; null when allowed. */
  reason: string | null;
}

export interface ExistingSecretChoice extends Permission {
  name: string;
  /** The registry keys in the secret that would serve this image. */
  servers: string[];
}

export interface CopySecretChoice extends ExistingSecretChoice {
  namespace: string;
}

export interface TargetChoice extends Permission {
  kind: AttachTargetKind;
  /** "Deployment nginx-david", "service account default", "pod toolbox". */
  label: string;
  description: string;
  /** What the person must confirm first, because the target deletes something; absent when it deletes nothing. */
  confirmation?: string;
  /**
   * Whether anyone could take it: false when the cluster forbids it for everyone (a bare pod's secrets cannot
   * change); a target only this user may not take can still be handed to someone who may.
   */
  possible: boolean;
}

/** GET …/fixes/options: what the form may offer for one failing container. */
export interface FixOptions {
  pod: string;
  container: string;
  image: string;
  registry: string;
  workload: WorkloadRef | null;
  serviceAccount: string;
  defaults: { secretName: string; server: string; portNote: string | null };
  sources: {
    new: Permission;
    existing: ExistingSecretChoice[];
    copies: CopySecretChoice[];
    /** Why the namespace's or other namespaces' secrets could not be listed; null when they could. */
    note: string | null;
  };
  targets: TargetChoice[];
  /** The pull secrets the failing pod names now (spec.imagePullSecrets). */
  podSecrets: string[];
  /** What the fix would add to: the workload's pod template (or the bare pod) and the service account; null when unreadable. */
  attached: { template: string[]; serviceAccount: string[] | null };
  /** Set when Argo CD, Flux or Helm manages the workload: a live patch will be reverted. */
  management: GitOpsManagement | null;
  preferred: { source: 'new' | 'existing'; existingName: string | null; target: AttachTargetKind | null };
  /** The annotations the serving credential provider requires and the service account lacks (the annotate fix). */
  annotate?: AnnotateChoice | null;
}

export interface AnnotateChoice extends Permission {
  serviceAccount: string;
  provider: string;
  keys: string[];
}

export type FixStepKind =
  | 'create-secret'
  | 'replace-secret'
  | 'reuse-secret'
  | 'already-attached'
  | 'copy-secret'
  | 'patch-workload'
  | 'update-service-account'
  | 'restart-workload'
  | 'delete-pod'
  | 'create-pod'
  | 'delete-job'
  | 'create-job';

export interface StepCheck {
  ok: boolean;
  message: string;
}

export interface FixStep {
  kind: FixStepKind;
  title: string;
  /** The object and the change as YAML, credentials masked; null when the step changes nothing. */
  yaml: string | null;
  dryRun: StepCheck | null;
  result: StepCheck | null;
}

/** What the page polls after an apply: the workload (or pod) and the moment from which its pods are new. */
export interface FixFollow {
  kind: string;
  name: string;
  after: string;
  /** The attached secret: only pods that name it come from the fixed template (or service account); null for a tag change. */
  secret: string | null;
  /** After a restart, the restartedAt annotation the new pods carry; null without one. */
  restartedAt: string | null;
  /** After a tag change: only pods whose container runs the new image are new. */
  image?: { container: string; image: string } | null;
}

/** Who applied a fix and when, for the line the page shows once the new pod runs. */
export interface FixApplied {
  /** The identity pullfix acted as: the kubeconfig user, or in a pod its service account. */
  by: string;
  at: string;
  /** The secret it attached, or the image it set. */
  what: string;
}

export interface FixResponse {
  mode: 'preview' | 'apply';
  steps: FixStep[];
  /** True once every real call succeeded. */
  applied: boolean;
  follow: FixFollow | null;
  /** Set on a merge into an existing secret: its entries before and after, and who else uses it. */
  secretChange?: SecretChange | null;
  /** After an apply: what it changed, to send back to …/fixes/undo. */
  undo?: FixUndo | null;
  outcome?: FixApplied | null;
}

export interface ProgressContainer {
  name: string;
  state: 'waiting' | 'running' | 'terminated' | 'unknown';
  reason: string | null;
  /** True when the image is on the node: the container started (or the kubelet moved past the pull). */
  pulled: boolean;
}

export interface ProgressPod {
  name: string;
  created: string;
  phase: string;
  containers: ProgressContainer[];
}

/** GET …/fixes/progress: the workload's newest pods and, for one that cannot pull, the new verdict. */
export interface FixProgress {
  workload: WorkloadRef;
  pods: ProgressPod[];
  failure: { pod: string; container: string; verdict: VerdictSummary } | null;
  /** Set when no new pod is expected soon (a CronJob waits for its schedule). */
  note: string | null;
}

// ---- Objects and patches ---------------------------------------------------------------------------------

/** The workload kinds whose pod template pullfix patches, and where that template sits. */
export const PATCHABLE_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'ReplicaSet'] as const;
export type PatchableKind = (typeof PATCHABLE_KINDS)[number];

export function isPatchableKind(kind: string): kind is PatchableKind {
  return (PATCHABLE_KINDS as readonly string[]).includes(kind);
}

// ---- The checklist the page follows ----------------------------------------------------------------------

export type ChecklistState = 'done' | 'active' | 'pending' | 'failed';

export interface ChecklistItem {
  key: 'secret' | 'target' | 'pod-created' | 'image-pulled' | 'running';
  label: string;
  state: ChecklistState;
  detail: string | null;
}

/** The five stages from the applied steps and the latest progress: secret → target → new pod → pulled → Running. */
export function fixChecklist(response: FixResponse, progress: FixProgress | null): ChecklistItem[] {
  const secretStep = response.steps.find((step) => ['create-secret', 'replace-secret', 'reuse-secret', 'copy-secret'].includes(step.kind));
  const targetSteps = response.steps.filter((step) => step !== secretStep);
  const secretDone = secretStep?.result?.ok === true;
  const targetDone = targetSteps.length > 0 && targetSteps.every((step) => step.result?.ok === true);
  const newest = progress?.pods[0] ?? null;
  const pulled = newest !== null && newest.containers.length > 0 && newest.containers.every((container) => container.pulled);
  const running = newest?.phase === 'Running' || newest?.phase === 'Succeeded';
  const failure = progress?.failure ?? null;

  const stages: Array<Omit<ChecklistItem, 'state'> & { done: boolean; failed?: boolean }> = [
    { key: 'secret', label: secretLabel(secretStep), done: secretDone, failed: secretStep?.result?.ok === false, detail: secretStep?.result?.message ?? null },
    {
      key: 'target',
      label: targetSteps.map((step) => step.title).join(', then ') || 'target patched',
      done: targetDone,
      failed: targetSteps.some((step) => step.result?.ok === false),
      detail: targetSteps.find((step) => step.result?.ok === false)?.result?.message ?? null,
    },
    { key: 'pod-created', label: 'new pod created', done: newest !== null, detail: newest ? `pod ${newest.name}` : progress?.note ?? null },
    {
      key: 'image-pulled',
      label: 'image pulled',
      done: pulled,
      failed: failure !== null,
      detail: failure ? `${failure.verdict.title}: ${failure.verdict.explanation}` : null,
    },
    { key: 'running', label: 'Running', done: running, detail: newest ? `phase ${newest.phase}` : null },
  ];

  let blocked = false;
  return stages.map(({ done, failed, ...item }) => {
    let state: ChecklistState;
    if (blocked) state = 'pending';
    else if (failed) state = 'failed';
    else if (done) state = 'done';
    else state = 'active';
    if (state !== 'done') blocked = true;
    return { ...item, state };
  });
}

function secretLabel(step: FixStep | undefined): string {
  switch (step?.kind) {
    case 'create-secret':
      return 'secret created';
    case 'replace-secret':
      return 'secret data replaced';
    case 'copy-secret':
      return 'secret copied';
    default:
      return 'secret reused';
  }
}

// ---- The form's starting point -----------------------------------------------------------------------------

export interface InitialChoice {
  source: CredentialSource['kind'];
  existingName: string | null;
  newName: string;
  /** The verdict names a secret whose data is wrong: offer to overwrite it rather than add another. */
  replaceExisting: boolean;
  target: AttachTargetKind | null;
  /** Set by a link to the form: the secret to copy, and the new secret's server and username. */
  copy?: { namespace: string; name: string };
  server?: string;
  username?: string;
}

/**
 * What the form starts with for a verdict: the matching secret the namespace already has, the name a pod
 * references but nobody created, or the broken secret to overwrite; the service account when it is the one
 * that already holds the secret.
 */
export function initialChoice(options: FixOptions, verdict: Pick<VerdictSummary, 'code' | 'secretName'>): InitialChoice {
  const allowedTarget = (kind: AttachTargetKind) => options.targets.find((target) => target.kind === kind && target.allowed)?.kind ?? null;
  const target = verdict.code === 'pod-predates-service-account' ? (allowedTarget('service-account') ?? options.preferred.target) : options.preferred.target;
  const broken = verdict.code === 'credentials-rejected' || verdict.code === 'malformed-secret';
  // A bare pod that already names the secret needs it created or refilled, not recreated.
  const inPlace = (name: string) => (options.workload === null && options.podSecrets.includes(name) ? (allowedTarget('in-place') ?? target) : target);
  if (verdict.code === 'referenced-secret-missing' && verdict.secretName) {
    return { source: 'new', existingName: null, newName: verdict.secretName, replaceExisting: false, target: inPlace(verdict.secretName) };
  }
  if (broken && verdict.secretName) {
    return { source: 'new', existingName: null, newName: verdict.secretName, replaceExisting: true, target: inPlace(verdict.secretName) };
  }
  const allowed = options.sources.existing.filter((choice) => choice.allowed).map((choice) => choice.name);
  const usable = allowed.find((name) => name === verdict.secretName) ?? allowed[0] ?? null;
  return {
    source: usable && options.preferred.source === 'existing' ? 'existing' : 'new',
    existingName: usable,
    newName: options.defaults.secretName,
    replaceExisting: false,
    target,
  };
}
