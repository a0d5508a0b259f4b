import type { PullVerdict } from './pull-verdict';
import { VERDICTS, VERIFIED_VERDICT_CODES, type VerdictCode } from './verdicts';

/** What testing one credential against one image ended in. */
export type CheckResult = 'can-pull' | 'rejected' | 'no-access' | 'not-found' | 'unreachable' | 'not-tested';

/** Where a candidate credential sits, seen from the failing pod. */
export type CandidateOrigin = 'pod' | 'service-account' | 'namespace' | 'other-namespace';

export interface CredentialCheckView {
  result: CheckResult;
  message: string;
  checkedAt: string | null;
  /** Whether the registry accepted the login itself; null when that was not learned. */
  loginAccepted: boolean | null;
  /** Whether the repository exists, as far as the registry's answers tell; null when they do not. */
  repositoryExists: boolean | null;
}

/** One pull secret (the entry of it the kubelet would use) and what the registry made of it. */
export interface CandidateCheck {
  namespace: string;
  secret: string;
  origin: CandidateOrigin;
  server: string | null;
  username: string | null;
  check: CredentialCheckView;
}

export interface Verification {
  /** verified: every candidate was tested; partial: some were; not-tested: none was, or the verdict needs none. */
  state: 'verified' | 'partial' | 'not-tested';
  /** The oldest test the verdict rests on. */
  checkedAt: string | null;
}

/** The image a verdict is about, in the words the texts use. */
export interface VerifiedImage {
  registry: string;
  repository: string;
}

/** Refusals: the registry answered, and the answer was no. */
export const REFUSED: ReadonlySet<CheckResult> = new Set<CheckResult>(['rejected', 'no-access', 'not-found']);

/** The order a form offers credentials in: can-pull first, refusals last. */
export const CHECK_RANK: Record<CheckResult, number> = { 'can-pull': 0, 'not-tested': 1, unreachable: 2, 'no-access': 3, 'not-found': 4, rejected: 5 };
/** The host-match verdicts the registry's answers can confirm or correct. */
export const CREDENTIAL_CODES: ReadonlySet<VerdictCode> = new Set<VerdictCode>([
  'credentials-rejected',
  'secret-not-attached',
  'pod-predates-service-account',
  'missing-secret',
  'secret-for-other-registry',
  'node-credentials',
]);

/**
 * Reads the answers together. Registries that answer "unauthorized" alike for a missing repository and a
 * refused account leave a refusal ambiguous; when another credential shows the repository exists (it can pull
 * it, or lists its tags), an accepted login that was refused is a lack of access.
 */
export function corroborate(candidates: CandidateCheck[], image: VerifiedImage): CandidateCheck[] {
  const witness = candidates.find((candidate) => candidate.check.repositoryExists === true);
  if (witness === undefined) return candidates;
  return candidates.map((candidate) => {
    const { check } = candidate;
    if (check.result !== 'rejected' || check.loginAccepted !== true || check.repositoryExists !== null) return candidate;
    return {
      ...candidate,
      check: {
        ...check,
        result: 'no-access',
        repositoryExists: true,
        message: `${image.registry} accepts the login of ${candidate.username ?? 'this account'} but refuses it ${image.repository}, which exists (${witness.namespace}/${witness.secret} reaches it): the account lacks access to this repository.`,
      },
    };
  });
}

/** Can-pull first, refusals last; the order of origins (pod, service account, namespace, elsewhere) kept within. */
export function rankCandidates(candidates: CandidateCheck[]): CandidateCheck[] {
  return candidates.map((candidate, index) => ({ candidate, index }))
    .sort((a, b) => CHECK_RANK[a.candidate.check.result] - CHECK_RANK[b.candidate.check.result] || a.index - b.index)
    .map(({ candidate }) => candidate);
}

/** How much of a verdict rests on tests: credential verdicts only; "verified" when nothing readable was in reach. */
export function verificationOf(verdict: PullVerdict, candidates: CandidateCheck[]): Verification {
  if (!CREDENTIAL_CODES.has(verdict.code) && !refinedCodes.has(verdict.code)) return { state: 'not-tested', checkedAt: null };
  const tested = candidates.filter((candidate) => candidate.check.result !== 'not-tested' && candidate.check.result !== 'unreachable');
  const checkedAt = tested.map((candidate) => candidate.check.checkedAt ?? '').filter((at) => at !== '').sort()[0] ?? null;
  // A partial verdict rests on secrets the user may not read: whatever was tested, some were not.
  if (tested.length === candidates.length && !verdict.partial) return { state: 'verified', checkedAt };
  return { state: tested.length === 0 ? 'not-tested' : 'partial', checkedAt };
}

const refinedCodes: ReadonlySet<VerdictCode> = new Set<VerdictCode>(VERIFIED_VERDICT_CODES);

/**
 * The host-match verdict, corrected by what the registry said. A secret the registry refused is never the one
 * to attach; a refusal of an attached secret is told apart: a wrong password, an account without access, a
 * repository or tag that does not exist, or (when the registry will not say) either of the last two.
 */
export function refineVerdict(verdict: PullVerdict, candidates: CandidateCheck[], image: VerifiedImage): PullVerdict {
  if (verdict.cause !== 'unauthorized' || !CREDENTIAL_CODES.has(verdict.code)) return verdict;
  const canPull = candidates.filter((candidate) => candidate.check.result === 'can-pull');
  const sent = candidates.filter((candidate) => candidate.origin === 'pod');
  switch (verdict.code) {
    case 'credentials-rejected':
      return attachedRefused(verdict, sent, canPull, image) ?? verdict;
    case 'secret-not-attached':
    case 'pod-predates-service-account':
      return unattachedCandidates(verdict, candidates, canPull, image);
    default:
      return withCopyHint(verdict, canPull);
  }
}

/** The kubelet sent the pod's own matching secret; its test tells why the registry said no. */
function attachedRefused(verdict: PullVerdict, sent: CandidateCheck[], canPull: CandidateCheck[], image: VerifiedImage): PullVerdict | null {
  const refused = sent.find((candidate) => REFUSED.has(candidate.check.result));
  if (refused === undefined) return null;
  const name = refused.secret;
  const who = refused.username ?? 'its account';
  const instead = alternative(canPull);
  const text = (code: VerdictCode, explanation: string, fix: string): PullVerdict =>
    refined(verdict, code, name, `${explanation} (${refused.check.message})`, `${fix}${instead}`);
  switch (refused.check.result) {
    case 'not-found':
      return text(
        'repository-not-found',
        `${image.registry} refused the pull, but the login in ${name} (${who}) works: ${refused.check.repositoryExists === true ? 'the tag or digest' : 'the repository'} does not exist`,
        `Check the image name and tag in the workload; ${name} does not need new credentials.`,
      );
    case 'no-access':
      return text(
        'account-lacks-access',
        `The credentials in ${name} are valid, but ${who} may not pull ${image.repository} from ${image.registry}`,
        `Grant ${who} pull access to ${image.repository}, or use credentials of an account that has it.`,
      );
    default:
      if (refused.check.loginAccepted === false) {
        return text(
          'credentials-rejected',
          `${image.registry} rejected the username or password in ${name} (${who})`,
          `Replace the password (or access token) in ${name}, and test it before applying.`,
        );
      }
      return text(
        'access-refused',
        `${image.registry} accepts the login in ${name} (${who}) but refuses it ${image.repository}, and answers the same whether the account lacks access or the repository does not exist`,
        `First check the image name for a typo; if it is right, grant ${who} pull access to ${image.repository}. The password is not the problem.`,
      );
  }
}

/**
 * A secret in reach but not on the pod: attach one only when the registry did not refuse it. A pod that
 * predates its service account's secret keeps "restart" unless the registry refused that secret.
 */
function unattachedCandidates(verdict: PullVerdict, candidates: CandidateCheck[], canPull: CandidateCheck[], image: VerifiedImage): PullVerdict {
  if (verdict.code === 'pod-predates-service-account') {
    const onAccount = candidates.find((candidate) => candidate.origin === 'service-account' && candidate.secret === verdict.secretName);
    if (onAccount === undefined || !REFUSED.has(onAccount.check.result)) return verdict;
  }
  const local = candidates.filter((candidate) => candidate.origin === 'namespace' || candidate.origin === 'service-account');
  const working = local.find((candidate) => candidate.check.result === 'can-pull');
  if (working !== undefined) return attach(verdict, working, image, true);
  const open = local.find((candidate) => !REFUSED.has(candidate.check.result));
  if (open !== undefined) return attach(verdict, open, image, false);
  // A pod secret that can pull now: the next retry pulls; nothing here to correct.
  if (canPull.some((candidate) => candidate.origin === 'pod')) return verdict;
  return elsewhere(verdict, canPull, image) ?? noneWorks(verdict, candidates.filter((candidate) => REFUSED.has(candidate.check.result)), image);
}

function attach(verdict: PullVerdict, candidate: CandidateCheck, image: VerifiedImage, confirmed: boolean): PullVerdict {
  if (!confirmed && verdict.code === 'secret-not-attached' && verdict.secretName === candidate.secret) return verdict;
  const who = candidate.username ?? 'its account';
  return refined(
    verdict,
    'secret-not-attached',
    candidate.secret,
    `Secret ${candidate.secret} in this namespace holds credentials for ${image.registry} (${who}), but the pod does not use them.${
      confirmed ? ` ${image.registry} confirms that ${who} can pull ${image.repository}.` : ` pullfix could not test them yet (${candidate.check.message}).`
    }`,
    `Attach ${candidate.secret} to the workload's imagePullSecrets.`,
  );
}

function elsewhere(verdict: PullVerdict, canPull: CandidateCheck[], image: VerifiedImage): PullVerdict | null {
  const copy = canPull.find((candidate) => candidate.origin === 'other-namespace');
  if (copy === undefined) return null;
  return refined(
    verdict,
    'secret-in-other-namespace',
    copy.secret,
    `Nothing in this namespace can pull ${image.registry}/${image.repository}, but secret ${copy.secret} in namespace ${copy.namespace} (${copy.username ?? 'its account'}) can: the registry accepted it.`,
    `Copy ${copy.secret} from ${copy.namespace} into this namespace and attach it to the workload, or create a secret of your own for ${image.registry}.`,
  );
}

function noneWorks(verdict: PullVerdict, refusedCandidates: CandidateCheck[], image: VerifiedImage): PullVerdict {
  const why = refusedCandidates.map((candidate) => `${candidate.secret} (${candidate.username ?? '?'}): ${candidate.check.result}, ${candidate.check.message}`);
  return refined(
    verdict,
    'no-working-credential',
    null,
    `No credential in reach can pull ${image.registry}/${image.repository}: every secret that matches the registry was refused. ${why.join(' ')}`,
    `Create a pull secret with credentials of an account that can pull ${image.repository} (pullfix tests them before applying), and check the image name: a registry may answer "unauthorized" for a repository that does not exist.`,
  );
}

function withCopyHint(verdict: PullVerdict, canPull: CandidateCheck[]): PullVerdict {
  const copy = canPull.find((candidate) => candidate.origin === 'other-namespace');
  if (copy === undefined) return verdict;
  return { ...verdict, fix: `${verdict.fix} Secret ${copy.secret} in namespace ${copy.namespace} can pull this image: copying it is an alternative.` };
}

function alternative(canPull: CandidateCheck[]): string {
  const other = canPull[0];
  if (other === undefined) return '';
  const where = other.origin === 'other-namespace' ? ` in namespace ${other.namespace} (copy it)` : '';
  return ` Secret ${other.secret}${where} can pull this image: attaching it instead fixes the pull now.`;
}

function refined(verdict: PullVerdict, code: VerdictCode, secretName: string | null, explanation: string, fix: string): PullVerdict {
  return { ...verdict, code, title: VERDICTS[code].label, explanation, fix, secretName };
}
