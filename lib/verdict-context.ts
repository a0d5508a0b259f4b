import type { PullVerdict } from './pull-verdict';
import type { VerdictCode } from './verdicts';

export interface PullContext {
  /** Which of the pod's containers failed to pull: the fixes for a debug container differ. */
  containerType: 'init' | 'regular' | 'ephemeral';
  /** ImageRef.registry; '' when the reference does not parse. */
  registry: string;
}

/**
 * What a verdict must add for where the pull failed, beside the credential facts the verdict table reads:
 * - an ephemeral (debug) container can use only the pod's pull secrets, and a running pod's imagePullSecrets
 *   cannot change, so a fix that attaches a secret reaches only the workload's new pods; on this pod, only a
 *   debug image its secrets can pull works;
 * - some registries answer "unauthorized" or "denied" for a repository or tag that does not exist, so there a
 *   refusal may be a missing image.
 */
export function verdictInContext(verdict: PullVerdict, context: PullContext): PullVerdict {
  let { explanation, fix } = verdict;
  if (context.containerType === 'ephemeral' && ATTACHES_TO_THE_POD.has(verdict.code)) {
    explanation = `${explanation} This is an ephemeral (debug) container: it can use only the pod's pull secrets, and a running pod's imagePullSecrets cannot be changed.`;
    fix = `On this pod, start a new debug container with an image its pull secrets can pull. Or: ${fix} Then debug one of the workload's new pods, which carry the secret.`;
  }
  const caveat = verdict.cause === 'unauthorized' && verdict.code !== 'malformed-secret' ? missingImageCaveat(context.registry) : null;
  if (caveat) explanation = `${explanation} ${caveat}`;
  return explanation === verdict.explanation && fix === verdict.fix ? verdict : { ...verdict, explanation, fix };
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
