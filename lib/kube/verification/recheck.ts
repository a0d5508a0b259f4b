import 'server-only';

import type { CheckResult } from '../../pull-verification';
import { clientsFor } from '../config';
import { containerImage } from '../fix/options';
import { getPod } from '../reads';
import { secretLoginFor } from '../registry-credentials';
import { sharedVerifier, type CredentialVerifier } from './index';

/** A forced test of an answer younger than this gets that answer: "Test again" clicked twice costs one test. */
export const RECHECK_MIN_AGE_MS = 10_000;

export interface RecheckAnswer {
  namespace: string;
  secret: string;
  result: CheckResult;
  message: string;
  checkedAt: string;
}

/**
 * Tests one candidate credential of a pod's container again, past the cache, and leaves the answer in the cache
 * the pod's diagnosis reads. Bounded three ways: an answer younger than RECHECK_MIN_AGE_MS is returned as it is,
 * a test already running for the same credential is joined, and the verifier's per-registry pace still applies
 * (the route adds the per-client registry rate limit). No password leaves: the answer names the secret only.
 */
export async function recheckCandidate(
  context: string,
  namespace: string,
  podName: string,
  input: { container: string; secretNamespace: string; secret: string },
  { verifier = sharedVerifier(), now = Date.now }: { verifier?: CredentialVerifier; now?: () => number } = {},
): Promise<RecheckAnswer> {
  const clients = clientsFor(context);
  const pod = await getPod(clients, namespace, podName);
  const { ref } = containerImage(pod, input.container);
  const login = await secretLoginFor(clients, input.secretNamespace, input.secret, ref.normalized);
  const credential = { username: login.username, password: login.password };
  const cached = verifier.peek(ref, credential);
  const fresh = cached !== null && now() - Date.parse(cached.checkedAt) < RECHECK_MIN_AGE_MS;
  const check = fresh ? cached : await verifier.check(ref, credential, { force: true });
  return { namespace: input.secretNamespace, secret: input.secret, result: check.result, message: check.message, checkedAt: check.checkedAt };
}
