import type { FixOptions, InitialChoice } from './fix-plan';
import { CHECK_RANK, REFUSED, rankCandidates, type CandidateCheck, type CheckResult } from './pull-verification';

/**
 * What the registry said about the secrets a fix form offers, keyed as the form names them: existing secrets by
 * name (this namespace), copies by "namespace/name". Pure, for the form and its tests.
 */
export interface SourceEvidence {
  /** The check of a secret offered by the form, or null when it was not among the candidates. */
  checkOf(namespace: string, name: string): CandidateCheck['check'] | null;
  /** Whether the registry refused it (rejected, no-access, not-found). */
  refused(namespace: string, name: string): boolean;
  /** A secret that can pull, this namespace's first; null when none can. */
  best: { namespace: string; name: string } | null;
}

export function sourceEvidence(namespace: string, candidates: CandidateCheck[]): SourceEvidence {
  const byKey = new Map(candidates.map((candidate) => [`${candidate.namespace}/${candidate.secret}`, candidate.check]));
  const working = rankCandidates(candidates).filter((candidate) => candidate.check.result === 'can-pull');
  const best = working.find((candidate) => candidate.namespace === namespace) ?? working[0] ?? null;
  return {
    checkOf: (secretNamespace, name) => byKey.get(`${secretNamespace}/${name}`) ?? null,
    refused: (secretNamespace, name) => REFUSED.has(byKey.get(`${secretNamespace}/${name}`)?.result ?? 'not-tested'),
    best: best === null ? null : { namespace: best.namespace, name: best.secret },
  };
}

const RESULT_WORDS: Record<CheckResult, string> = {
  'can-pull': '✓ can pull',
  rejected: '✗ rejected',
  'no-access': '✗ no access',
  'not-found': '✗ not found',
  unreachable: '? registry unreachable',
  'not-tested': '· not tested',
};

/** The short words a form shows beside a secret for its check. */
export function checkWords(check: CandidateCheck['check'] | null): string {
  return check === null ? '' : RESULT_WORDS[check.result];
}

/** Sorts choices as their checks rank them (can-pull first, refusals last), stable otherwise. */
export function byCheck<T>(choices: T[], checkOf: (choice: T) => CandidateCheck['check'] | null): T[] {
  return choices
    .map((choice, index) => ({ choice, index, rank: CHECK_RANK[checkOf(choice)?.result ?? 'not-tested'] }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ choice }) => choice);
}

/**
 * The form's starting point corrected by the checks: never a secret the registry refused; this namespace's
 * secret that can pull when there is one; otherwise a new secret. A copy from another namespace is offered
 * (ranked by its check) but never preselected: spreading another team's credentials is a choice to make on
 * purpose. A secret whose data is to be replaced stays the choice: the new data is what gets tested.
 */
export function withEvidence(initial: InitialChoice, options: FixOptions, namespace: string, evidence: SourceEvidence): InitialChoice {
  if (initial.source === 'new' && initial.replaceExisting) return initial;
  const best = evidence.best;
  if (best && best.namespace === namespace && options.sources.existing.some((choice) => choice.name === best.name && choice.allowed)) {
    return { ...initial, source: 'existing', existingName: best.name };
  }
  if (initial.source === 'existing' && initial.existingName !== null && evidence.refused(namespace, initial.existingName)) {
    return { ...initial, source: 'new', existingName: null };
  }
  return initial;
}
