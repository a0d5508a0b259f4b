import 'server-only';

import type { V1Pod, V1Secret } from '@kubernetes/client-node';
import type { PullFailureCause, VerdictSummary } from '../../api/types';
import type { ImageRef } from '../../image-ref';
import { rankCandidates, refineVerdict, verificationOf, type CandidateCheck, type Verification } from '../../pull-verification';
import { withinWait } from '../../within-wait';
import type { KubeClients } from '../config';
import type { NamespaceCredentials } from '../credentials';
import { listPullSecrets, unlessRefused } from '../reads';
import { candidatesFor } from './candidates';
import { cachedCandidates, sharedVerifier, verifyCandidates } from './index';
import type { CredentialVerifier } from './verifier';

export interface VerifiedFinding {
  verdict: VerdictSummary;
  verification: Verification;
  /** Can-pull first; each with what the registry said, never a password. */
  candidates: CandidateCheck[];
}

export interface VerifyOptions {
  verifier?: CredentialVerifier;
  /**
   * How long to wait for the registry before answering with what the cache holds (the host-match verdict where
   * nothing is cached yet, said by `verification.state`); the tests go on and the next request sees them.
   */
  waitMs?: number;
  /** Test again even when an answer is cached. */
  force?: boolean;
}

/**
 * One failing container's verdict, verified: only a refused pull (cause unauthorized) has credentials to test;
 * every other verdict comes back as it is, marked not tested.
 */
export async function verifyFinding(
  finding: { pod: V1Pod; image: ImageRef | null; cause: PullFailureCause; verdict: VerdictSummary },
  namespace: NamespaceCredentials,
  elsewhere: V1Secret[] | null,
  { verifier = sharedVerifier(), waitMs = Number.POSITIVE_INFINITY, force = false }: VerifyOptions = {},
): Promise<VerifiedFinding> {
  const { image, cause, verdict } = finding;
  if (image === null || cause !== 'unauthorized') return { verdict, verification: { state: 'not-tested', checkedAt: null }, candidates: [] };
  const candidates = candidatesFor(finding.pod, image, namespace, elsewhere);
  if (!verificationEnabled()) {
    const checks = cachedCandidates(verifier, image, candidates.map((candidate) => ({ ...candidate, login: null, untestable: 'automatic registry tests are off (PULLFIX_VERIFY_CREDENTIALS=off)' })));
    return { verdict, verification: { state: 'not-tested', checkedAt: null }, candidates: checks };
  }
  const testing = verifyCandidates(verifier, image, candidates, { force });
  const checks = Number.isFinite(waitMs) ? await withinWait(testing, waitMs, () => cachedCandidates(verifier, image, candidates)) : await testing;
  const refined = refineVerdict({ ...verdict, cause }, checks, image);
  const { code, title, explanation, fix, secretName, partial } = refined;
  return { verdict: { code, title, explanation, fix, secretName, partial }, verification: verificationOf(refined, checks), candidates: rankCandidates(checks) };
}

/** Off only where the registries cannot be reached on purpose: `PULLFIX_VERIFY_CREDENTIALS=off`. */
export function verificationEnabled(): boolean {
  return process.env.PULLFIX_VERIFY_CREDENTIALS !== 'off';
}

/** Pull secrets in every namespace the user may list them in; null when it may not list them across namespaces. */
export function readSecretsElsewhere(clients: KubeClients): Promise<V1Secret[] | null> {
  return unlessRefused(listPullSecrets(clients, null), 'forbidden');
}
