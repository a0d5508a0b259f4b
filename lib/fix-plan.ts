/**
 * The fix for a pull failure, planned without I/O: the request the form sends, the secret it creates or copies,
 * the patches that attach it, the YAML previews (credentials masked) and the checklist the page follows. Shared
 * by lib/kube/fix (which runs the steps) and components/fix (which shows them), so it runs in the browser too.
 */
import { newSecretSchema, type AttachTargetKind, type CredentialSource, type NewSecretInput } from './api/fix-request';
import type { VerdictSummary, WorkloadRef } from './api/types';
import { DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE, dockerConfigJson, kubectlServerFor } from './pull-secrets';

/** Stands for every password, token and `auth` value in a preview. */
export const MASK = '********';

/** Records on a copied secret where its data came from ("namespace/name"). */
export const COPIED_FROM_ANNOTATION = 'pullfix.dev/copied-from';

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
  preferred: { source: 'new' | 'existing'; existingName: string | null; target: AttachTargetKind | null };
}

export type FixStepKind =
  | 'create-secret'
  | 'replace-secret'
  | 'reuse-secret'
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
  /** The attached secret: only pods that name it come from the fixed template (or service account). */
  secret: string;
  /** After a restart, the restartedAt annotation the new pods carry; null without one. */
  restartedAt: string | null;
}

export interface FixResponse {
  mode: 'preview' | 'apply';
  steps: FixStep[];
  /** True once every real call succeeded. */
  applied: boolean;
  follow: FixFollow | null;
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

// ---- Names and servers -----------------------------------------------------------------------------------

/**
 * A readable secret name for a registry, free of collisions with `taken`: "regcred-docker-io",
 * "regcred-registry-example-com-5000", then "-2", "-3", … when the name exists.
 */
export function deriveSecretName(registry: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const slug = registry
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  const base = slug ? `regcred-${slug}` : 'regcred';
  if (!used.has(base)) return base;
  for (let suffix = 2; ; suffix += 1) {
    const candidate = `${base}-${suffix}`;
    if (!used.has(candidate)) return candidate;
  }
}

/** The server field as kubectl writes it and the kubelet matches it, and a note when the port is part of the match. */
export function serverPrefill(registry: string): { server: string; portNote: string | null } {
  const server = kubectlServerFor(registry);
  const port = /:(\d+)$/.exec(registry)?.[1];
  const portNote = port ? `the kubelet compares ports: keep ":${port}" in the server, or the secret will not match this image` : null;
  return { server, portNote };
}

// ---- Objects and patches ---------------------------------------------------------------------------------

export interface SecretManifest {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  type: string;
  data: Record<string, string>;
}

/** The Secret `kubectl create secret docker-registry` would create: same type, same `.dockerconfigjson` bytes. */
export function newPullSecret(namespace: string, input: Omit<NewSecretInput, 'kind' | 'replaceExisting'>): SecretManifest {
  const config = dockerConfigJson({ server: input.server.trim(), username: input.username, password: input.password, email: input.email || null });
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: input.name, namespace },
    type: DOCKER_CONFIG_JSON_TYPE,
    data: { [DOCKER_CONFIG_JSON_KEY]: encodeBase64(config) },
  };
}

/** A copy of another namespace's pull secret: type and data kept, origin recorded. */
export function copiedPullSecret(
  source: { namespace: string; name: string; type: string; data: Record<string, string> },
  namespace: string,
  name: string,
): SecretManifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, annotations: { [COPIED_FROM_ANNOTATION]: `${source.namespace}/${source.name}` } },
    type: source.type,
    data: { ...source.data },
  };
}

/** The workload kinds whose pod template pullfix patches, and where that template sits. */
export const PATCHABLE_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'ReplicaSet'] as const;
export type PatchableKind = (typeof PATCHABLE_KINDS)[number];

export function isPatchableKind(kind: string): kind is PatchableKind {
  return (PATCHABLE_KINDS as readonly string[]).includes(kind);
}

/**
 * The strategic merge patch that adds `secret` to a workload's pod template: the existing entries and the new
 * one, so the result is the same whether the server merges by name or replaces the list. Null when the template
 * already names the secret: patching again would change nothing.
 */
export function pullSecretsPatch(kind: PatchableKind, existing: readonly string[], secret: string): Record<string, unknown> | null {
  if (existing.includes(secret)) return null;
  const names = [...new Set([...existing, secret])];
  return atTemplate(kind, { spec: { imagePullSecrets: names.map((name) => ({ name })) } });
}

/** `kubectl rollout restart`: a new restartedAt annotation on the pod template, so the controller rolls new pods. */
export function restartPatch(kind: PatchableKind, at: Date): Record<string, unknown> {
  return atTemplate(kind, { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: at.toISOString() } } });
}

/** The labels and selector key the API server generates from a Job's uid (batch/v1 `PrepareForCreate`). */
export const JOB_CONTROLLER_UID_LABELS = ['batch.kubernetes.io/controller-uid', 'controller-uid'] as const;

type Labels = { [key: string]: string };

/** The parts of a Job, as read from the API server, that recreating it rewrites. */
export interface JobObject {
  metadata?: { uid?: string; resourceVersion?: string; creationTimestamp?: unknown; generation?: number; managedFields?: unknown[]; labels?: Labels };
  spec?: {
    selector?: { matchLabels?: Labels; matchExpressions?: unknown[] };
    template: { metadata?: { labels?: Labels }; spec?: { imagePullSecrets?: { name?: string }[] } };
  };
  status?: unknown;
}

/**
 * The Job to create in place of `job`: the same spec plus `secret` on its pod template (none for the service
 * account path, whose pods get it from the account). What the server set on the old one goes: status, uid,
 * resourceVersion, creationTimestamp, generation, managedFields, and the controller-uid selector and labels,
 * which name the old uid and would make the API server refuse the new Job's generated selector.
 */
export function recreatedJob<J extends JobObject>(job: J, secret: string | null): J {
  const copy = structuredClone(job);
  const plain: JobObject = copy;
  delete plain.status;
  if (plain.metadata) {
    for (const field of ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields'] as const) delete plain.metadata[field];
    plain.metadata.labels = withoutControllerUid(plain.metadata.labels);
  }
  const spec = plain.spec;
  if (!spec) return copy;
  const matchLabels = withoutControllerUid(spec.selector?.matchLabels);
  if (spec.selector) spec.selector.matchLabels = matchLabels;
  if (spec.selector && !matchLabels && !spec.selector.matchExpressions?.length) delete spec.selector;
  if (spec.template.metadata) spec.template.metadata.labels = withoutControllerUid(spec.template.metadata.labels);
  if (secret) {
    const names = (spec.template.spec?.imagePullSecrets ?? []).map((reference) => reference.name ?? '');
    spec.template.spec = { ...spec.template.spec, imagePullSecrets: withPullSecret(names, secret).map((name) => ({ name })) };
  }
  return copy;
}

/** The labels without the generated controller-uid keys; undefined when nothing else is left. */
function withoutControllerUid(labels: Labels | undefined): Labels | undefined {
  const kept = Object.entries(labels ?? {}).filter(([key]) => !(JOB_CONTROLLER_UID_LABELS as readonly string[]).includes(key));
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** A service account's list with `secret` added once, order kept. */
export function withPullSecret(existing: readonly string[], secret: string): string[] {
  return existing.includes(secret) ? [...existing] : [...existing, secret];
}

function atTemplate(kind: PatchableKind, template: Record<string, unknown>): Record<string, unknown> {
  if (kind === 'CronJob') return { spec: { jobTemplate: { spec: { template } } } };
  return { spec: { template } };
}

// ---- Previews --------------------------------------------------------------------------------------------

const SECRET_FIELDS = new Set(['password', 'auth', 'identitytoken', 'registrytoken']);

/** The Secret as YAML with its docker config decoded and every password, token and `auth` replaced by the mask. */
export function secretPreview(secret: SecretManifest): string {
  const stringData: Record<string, string> = {};
  for (const [key, encoded] of Object.entries(secret.data)) stringData[key] = maskedConfig(encoded);
  const { apiVersion, kind, metadata, type } = secret;
  return `# data shown decoded; passwords, tokens and auth masked\n${toYaml({ apiVersion, kind, metadata, type, stringData })}`;
}

/** Decodes one docker config value and masks its credential fields; anything unreadable is masked whole. */
function maskedConfig(encoded: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeBase64(encoded));
  } catch {
    return MASK;
  }
  return JSON.stringify(maskCredentials(parsed));
}

function maskCredentials(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskCredentials);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, SECRET_FIELDS.has(key.toLowerCase()) ? MASK : maskCredentials(inner)]),
  );
}

/**
 * YAML for the previews: block maps and lists, every string double-quoted (JSON's escapes are valid YAML), so
 * no value can be read back as another type or break the layout.
 */
export function toYaml(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]\n';
    return value.map((item) => `${indent}-${blockValue(item, `${indent}  `, true)}`).join('');
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, inner]) => inner !== undefined);
    if (entries.length === 0) return '{}\n';
    return entries.map(([key, inner]) => `${indent}${yamlKey(key)}:${blockValue(inner, `${indent}  `, false)}`).join('');
  }
  return `${scalar(value)}\n`;
}

function blockValue(value: unknown, indent: string, inList: boolean): string {
  if (Array.isArray(value) && value.length > 0) return `\n${toYaml(value, indent)}`;
  if (isRecord(value) && Object.keys(value).length > 0) {
    if (inList) return ` ${toYaml(value, indent).slice(indent.length)}`;
    return `\n${toYaml(value, indent)}`;
  }
  return ` ${toYaml(value)}`;
}

function scalar(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(String(value));
}

function yamlKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.\/-]*$/.test(key) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(key) ? key : JSON.stringify(key);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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

// ---- Base64 without Node's Buffer ------------------------------------------------------------------------

export function encodeBase64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function decodeBase64(encoded: string): string {
  const binary = atob(encoded);
  const bytes = Uint8Array.from(binary, (character) => character.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

// ---- The form's starting point -----------------------------------------------------------------------------

/** The verdicts a pull secret can fix: the pull was refused for want of usable credentials. */
export const SECRET_FIXABLE_VERDICTS: ReadonlySet<string> = new Set([
  'missing-secret',
  'secret-not-attached',
  'credentials-rejected',
  'secret-for-other-registry',
  'pod-predates-service-account',
  'referenced-secret-missing',
  'malformed-secret',
  'node-credentials',
]);

export interface InitialChoice {
  source: CredentialSource['kind'];
  existingName: string | null;
  newName: string;
  /** The verdict names a secret whose data is wrong: offer to overwrite it rather than add another. */
  replaceExisting: boolean;
  target: AttachTargetKind | null;
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
  if (verdict.code === 'referenced-secret-missing' && verdict.secretName) {
    return { source: 'new', existingName: null, newName: verdict.secretName, replaceExisting: false, target };
  }
  if (broken && verdict.secretName) {
    return { source: 'new', existingName: null, newName: verdict.secretName, replaceExisting: true, target };
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
