import 'server-only';

/**
 * The server half of a fix: the secret it creates or copies (with its bytes), the patches that attach it and the
 * YAML previews (credentials masked). lib/kube/fix runs these; components never import this module, and the
 * client half (lib/fix-plan.ts) holds nothing that can return a credential.
 */
import { stringify } from 'yaml';
import { encodeBase64, decodeBase64Text } from './base64';
import type { NewSecretInput } from './api/fix-request';
import { RESTARTED_AT_ANNOTATION, type PatchableKind } from './fix-plan';
import { DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE, dockerConfigJson, kubectlServerFor } from './pull-secrets';

/** Stands for every password, token and `auth` value in a preview. */
export const MASK = '********';

/** Records on a copied secret where its data came from ("namespace/name"). */
export const COPIED_FROM_ANNOTATION = 'pullfix.dev/copied-from';

/**
 * The marks on every secret pullfix creates (new or copied): the well-known managed-by label, and the fix that
 * created it. An undo deletes a secret only when it carries its own fix's id; a retry reuses one that carries
 * the label and holds the same data.
 */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const PULLFIX = 'pullfix';
export const FIX_ID_ANNOTATION = 'pullfix.dev/fix-id';

/** The secret with pullfix's marks for fix `fixId`, other labels and annotations kept. */
export function markedByFix(secret: SecretManifest, fixId: string): SecretManifest {
  const { metadata } = secret;
  return {
    ...secret,
    metadata: { ...metadata, labels: { ...metadata.labels, [MANAGED_BY_LABEL]: PULLFIX }, annotations: { ...metadata.annotations, [FIX_ID_ANNOTATION]: fixId } },
  };
}

/** Whether a secret read from the cluster carries pullfix's mark (any fix's). */
export function createdByPullfix(metadata: { labels?: Record<string, string> } | undefined): boolean {
  return metadata?.labels?.[MANAGED_BY_LABEL] === PULLFIX;
}

/** The server field as kubectl writes it and the kubelet matches it, and a note when the port is part of the match. */
export function serverPrefill(registry: string): { server: string; portNote: string | null } {
  const server = kubectlServerFor(registry);
  const port = /:(\d+)$/.exec(registry)?.[1];
  const portNote = port ? `the kubelet compares ports: keep ":${port}" in the server, or the secret will not match this image` : null;
  return { server, portNote };
}

export interface SecretManifest {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
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

// ---- Patches ---------------------------------------------------------------------------------------------

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
  return `# data shown decoded; passwords, tokens and auth masked\n${previewYaml({ apiVersion, kind, metadata, type, stringData })}`;
}

/** Decodes one docker config value and masks its credential fields; anything unreadable is masked whole. */
function maskedConfig(encoded: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeBase64Text(encoded));
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
 * YAML for the previews: every string double-quoted, so no value can be read back as another type, and no line
 * folded, so a decoded docker config stays on one line.
 */
export function previewYaml(value: unknown): string {
  return stringify(value, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
}
