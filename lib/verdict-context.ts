import type { PullVerdict } from './pull-verdict';
import type { VerdictCode } from './verdicts';

export interface PullContext {
  /** Which part of the pod failed to pull: the fixes for a debug container differ, an image volume's wording does. */
  containerType: 'init' | 'regular' | 'ephemeral' | 'image-volume';
  /** ImageRef.registry; '' when the reference does not parse. */
  registry: string;
  /** The container's or image volume's name. */
  name?: string;
  /** The image as the spec writes it. */
  image?: string;
  /** The pod, for a debug container: where its workload's new pods are found to debug again. */
  pod?: DebugTarget;
}

export interface DebugTarget {
  namespace: string;
  name: string;
  labels: Record<string, string>;
}

/**
 * What a verdict must add for where the pull failed, beside the credential facts the verdict table reads:
 * - an ephemeral (debug) container can use only the pod's pull secrets, and a running pod's imagePullSecrets
 *   cannot change, so a fix that attaches a secret reaches only the workload's new pods; on this pod, only a
 *   debug image its secrets can pull works; with the pod known, the fix ends with the kubectl command that
 *   debugs the workload's newest pod once the secret is attached;
 * - an image volume (KEP-4639) is pulled with the pod's pull secrets before the containers that mount it start,
 *   and they wait with its error;
 * - some registries answer "unauthorized" or "denied" for a repository or tag that does not exist, so there a
 *   refusal may be a missing image.
 */
export function verdictInContext(verdict: PullVerdict, context: PullContext): PullVerdict {
  let { explanation, fix } = verdict;
  if (context.containerType === 'ephemeral' && ATTACHES_TO_THE_POD.has(verdict.code)) {
    explanation = `${explanation} This is an ephemeral (debug) container: it can use only the pod's pull secrets, and a running pod's imagePullSecrets cannot be changed.`;
    fix = `On this pod, start a new debug container with an image its pull secrets can pull. Or: ${fix} Then debug one of the workload's new pods, which carry the secret.`;
    if (context.pod && context.image) fix = `${fix} To debug the newest: ${debugNewestPodCommand(context.pod, context.image, context.name ?? 'debugger')}`;
  }
  if (context.containerType === 'image-volume') {
    explanation = `${explanation} The image is mounted as image volume ${context.name ?? ''}: the kubelet pulls it with the pod's pull secrets, like a container image, before it starts the containers that mount it, and they wait with its error until it is pulled.`;
  }
  const caveat = verdict.cause === 'unauthorized' && verdict.code !== 'malformed-secret' ? missingImageCaveat(context.registry) : null;
  if (caveat) explanation = `${explanation} ${caveat}`;
  return explanation === verdict.explanation && fix === verdict.fix ? verdict : { ...verdict, explanation, fix };
}

/**
 * `kubectl debug` for the newest pod of the debugged pod's workload, found by the pod's labels without the ones
 * that change with each revision or pod; a pod without such labels is debugged by its name (recreated bare, it
 * keeps it). kubectl debug takes pods and nodes only, so the pod is picked by a nested kubectl.
 */
export function debugNewestPodCommand(pod: DebugTarget, image: string, container: string): string {
  const selector = Object.entries(pod.labels)
    .filter(([key]) => !PER_POD_LABELS.has(key))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const target = selector
    ? `"pod/$(kubectl -n ${pod.namespace} get pods -l ${shellQuote(selector)} --sort-by=.metadata.creationTimestamp -o jsonpath='{.items[-1:].metadata.name}')"`
    : `pod/${pod.name}`;
  return `kubectl -n ${pod.namespace} debug ${target} --image=${shellQuote(image)} -c ${container} --attach=false`;
}

/** Labels the controllers set per revision or per pod: a selector with them would find only the old pods. */
const PER_POD_LABELS: ReadonlySet<string> = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'controller-uid',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-completion-index',
]);

/** POSIX single quotes, only when the word needs them. */
function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * For registries known to refuse access, rather than say "not found", when a repository or tag does not exist:
 * a sentence saying so, naming how the registry words it. An unauthorized cause on such a registry may be a
 * missing image; only verifying the candidate credentials against the registry tells the two apart. Null for
 * other registries. `registry` is an image reference's registry host (ImageRef.registry).
 */
export function missingImageCaveat(registry: string): string | null {
  const host = registry.toLowerCase();
  const hider = REGISTRIES_HIDING_MISSING_IMAGES.find(({ hosts }) => hosts.test(host));
  if (!hider) return null;
  return `${hider.name} answers ${hider.says} for a repository or tag that does not exist, so the repository or tag may not exist.`;
}

/** Verdicts whose fix gives the pod a secret it does not carry: impossible on a running pod. */
const ATTACHES_TO_THE_POD: ReadonlySet<VerdictCode> = new Set<VerdictCode>([
  'missing-secret',
  'secret-not-attached',
  'secret-for-other-registry',
  'pod-predates-service-account',
]);

const REGISTRIES_HIDING_MISSING_IMAGES: readonly { hosts: RegExp; name: string; says: string }[] = [
  { hosts: /^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)$/, name: 'Docker Hub', says: '"pull access denied" (insufficient_scope)' },
  { hosts: /^ghcr\.io$/, name: 'GitHub Container Registry', says: '"denied"' },
  { hosts: /^[a-z0-9-]+\.azurecr\.(?:io|cn|us)$/, name: 'Azure Container Registry', says: '"unauthorized"' },
  { hosts: /^quay\.io$/, name: 'Quay', says: '"unauthorized"' },
  {
    hosts: /^(?:[a-z0-9-]+-docker\.pkg\.dev|(?:[a-z]+\.)?gcr\.io)$/,
    name: 'Artifact Registry',
    says: '"Permission \u2026 denied (or it may not exist)"',
  },
];
