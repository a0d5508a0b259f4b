import { missingImageCaveat } from './diagnosis';
import type { PullVerdict, VerdictCode } from './pull-verdict';

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

/** Verdicts whose fix gives the pod a secret it does not carry: impossible on a running pod. */
const ATTACHES_TO_THE_POD: ReadonlySet<VerdictCode> = new Set<VerdictCode>([
  'missing-secret',
  'secret-not-attached',
  'secret-for-other-registry',
  'pod-predates-service-account',
]);
