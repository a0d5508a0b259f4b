import 'server-only';

import type { ImageRef } from '../../image-ref';
import { corroborate, type CandidateCheck, type CredentialCheckView } from '../../pull-verification';
import type { Candidate } from './candidates';
import { CredentialVerifier } from './verifier';

export { candidatesFor, type Candidate } from './candidates';
export { CredentialVerifier, type CredentialCheck, type VerifierOptions } from './verifier';

let shared: CredentialVerifier | null = null;

/** The process's verifier: one cache and one set of limits for every request. */
export function sharedVerifier(): CredentialVerifier {
  shared ??= new CredentialVerifier();
  return shared;
}

/**
 * Tests every candidate against the registry (through the verifier's cache and limits) and reads the answers
 * together. The result holds usernames and what the registry said, never a password.
 */
export async function verifyCandidates(
  verifier: CredentialVerifier,
  image: ImageRef,
  candidates: Candidate[],
  { force = false } = {},
): Promise<CandidateCheck[]> {
  const checks = await Promise.all(
    candidates.map(async (candidate): Promise<CandidateCheck> => {
      const { namespace, secret, origin, server, username } = candidate;
      const check = candidate.login === null ? untested(candidate.untestable ?? 'not tested') : await verifier.check(image, candidate.login, { force });
      return { namespace, secret, origin, server, username, check };
    }),
  );
  return corroborate(checks, image);
}

/** The cached answers only: what the page can show at once, before any registry is contacted. */
export function cachedCandidates(verifier: CredentialVerifier, image: ImageRef, candidates: Candidate[]): CandidateCheck[] {
  const checks = candidates.map((candidate): CandidateCheck => {
    const { namespace, secret, origin, server, username } = candidate;
    const cached = candidate.login === null ? null : verifier.peek(image, candidate.login);
    const check = cached ?? untested(candidate.untestable ?? 'not tested yet');
    return { namespace, secret, origin, server, username, check };
  });
  return corroborate(checks, image);
}

function untested(message: string): CredentialCheckView {
  return { result: 'not-tested', message, loginAccepted: null, repositoryExists: null, checkedAt: null };
}
