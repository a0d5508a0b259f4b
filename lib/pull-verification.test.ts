import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { decidePullVerdict, type PullFacts, type PullVerdict } from './pull-verdict';
import { VERIFIED_VERDICT_CODES, type VerdictCode } from './verdicts';
import {
  corroborate,
  rankCandidates,
  refineVerdict,
  REFUSED,
  verificationOf,
  type CandidateCheck,
  type CandidateOrigin,
  type CheckResult,
  type CredentialCheckView,
} from './pull-verification';

const IMAGE = { registry: 'docker.io', repository: 'davidpuziol/nginx' };
const AT = '2026-01-01T00:00:00.000Z';

function baseFacts(overrides: Partial<PullFacts> = {}): PullFacts {
  return {
    cause: 'unauthorized',
    image: 'docker.io/davidpuziol/nginx',
    registry: 'docker.io',
    message: 'pull access denied, repository does not exist or may require authorization',
    serviceAccount: 'default',
    podSecrets: [],
    serviceAccountSecrets: [],
    namespaceMatchingSecrets: [],
    secretsReadable: true,
    ...overrides,
  };
}

const checks: Record<string, CredentialCheckView> = {
  canPull: { result: 'can-pull', message: 'can pull', checkedAt: AT, loginAccepted: true, repositoryExists: true },
  wrongPassword: { result: 'rejected', message: 'rejected the credentials', checkedAt: AT, loginAccepted: false, repositoryExists: null },
  refusedRepository: { result: 'rejected', message: 'may not pull it, or it does not exist', checkedAt: AT, loginAccepted: true, repositoryExists: null },
  noAccess: { result: 'no-access', message: 'lacks access', checkedAt: AT, loginAccepted: true, repositoryExists: true },
  missingRepository: { result: 'not-found', message: 'the repository does not exist', checkedAt: AT, loginAccepted: true, repositoryExists: false },
  missingTag: { result: 'not-found', message: 'no such tag', checkedAt: AT, loginAccepted: true, repositoryExists: true },
  untested: { result: 'not-tested', message: 'may not read it', checkedAt: null, loginAccepted: null, repositoryExists: null },
  unreachable: { result: 'unreachable', message: 'no answer', checkedAt: null, loginAccepted: null, repositoryExists: null },
};

function candidate(secret: string, origin: CandidateOrigin, check: CredentialCheckView, namespace = origin === 'other-namespace' ? 'ops' : 'default'): CandidateCheck {
  return { namespace, secret, origin, server: 'https://index.docker.io/v1/', username: `${secret}-user`, check };
}

const refine = (facts: PullFacts, candidates: CandidateCheck[]) => refineVerdict(decidePullVerdict(facts), corroborate(candidates, IMAGE), IMAGE);

describe('refineVerdict: the seed case and every new verdict', () => {
  it('nginx-david: two matching unattached secrets, both refused, is no longer "attach" but "no credential in reach can pull"', () => {
    const verdict = refine(baseFacts({ namespaceMatchingSecrets: ['dockercreds', 'dockerreq'] }), [
      candidate('dockercreds', 'namespace', checks.refusedRepository!),
      candidate('dockerreq', 'namespace', checks.refusedRepository!),
    ]);
    expect(verdict).toMatchObject({ code: 'no-working-credential', secretName: null, title: 'No credential in reach can pull' });
    expect(verdict.explanation).toContain('dockercreds (dockercreds-user): rejected');
    expect(verdict.explanation).toContain('dockerreq (dockerreq-user): rejected');
    expect(verdict.fix).toContain('Create a pull secret');
  });

  it('keeps "attach" for an unattached secret that can pull, and names it even when a refused one comes first', () => {
    const verdict = refine(baseFacts({ namespaceMatchingSecrets: ['refused', 'works'] }), [
      candidate('refused', 'namespace', checks.wrongPassword!),
      candidate('works', 'namespace', checks.canPull!),
    ]);
    expect(verdict).toMatchObject({ code: 'secret-not-attached', secretName: 'works' });
    expect(verdict.explanation).toContain('confirms');
  });

  it('an unattached secret not tested yet is still the one to attach, never a refused one', () => {
    const verdict = refine(baseFacts({ namespaceMatchingSecrets: ['refused', 'unknown'] }), [
      candidate('refused', 'namespace', checks.wrongPassword!),
      candidate('unknown', 'namespace', checks.untested!),
    ]);
    expect(verdict).toMatchObject({ code: 'secret-not-attached', secretName: 'unknown' });
  });

  it('points at a working secret in another namespace when nothing here works', () => {
    const verdict = refine(baseFacts({ namespaceMatchingSecrets: ['dockercreds'] }), [
      candidate('dockercreds', 'namespace', checks.refusedRepository!),
      candidate('shared', 'other-namespace', checks.canPull!),
    ]);
    expect(verdict).toMatchObject({ code: 'secret-in-other-namespace', secretName: 'shared' });
    expect(verdict.fix).toContain('Copy shared from ops');
  });

  const attachedFacts = baseFacts({ podSecrets: [{ name: 'regcred', state: 'matches' }] });
  it.each<[string, CredentialCheckView, VerdictCode, string]>([
    ['a wrong password stays credentials-rejected, now certain', checks.wrongPassword!, 'credentials-rejected', 'Replace the password'],
    ['a repository that does not exist is the image name, not the password', checks.missingRepository!, 'repository-not-found', 'Check the image name'],
    ['a missing tag likewise', checks.missingTag!, 'repository-not-found', 'Check the image name'],
    ['an account without access', checks.noAccess!, 'account-lacks-access', 'Grant regcred-user pull access'],
    ['a refusal the registry will not explain never says to rotate credentials', checks.refusedRepository!, 'access-refused', 'The password is not the problem'],
  ])('an attached secret: %s', (_, check, code, fix) => {
    const verdict = refine(attachedFacts, [candidate('regcred', 'pod', check)]);
    expect(verdict).toMatchObject({ code, secretName: 'regcred' });
    expect(verdict.fix).toContain(fix);
    expect(verdict.explanation).toContain(check.message);
  });

  it('an attached refusal is lack of access when another credential shows the repository exists', () => {
    const verdict = refine(attachedFacts, [candidate('regcred', 'pod', checks.refusedRepository!), candidate('team', 'other-namespace', checks.canPull!)]);
    expect(verdict.code).toBe('account-lacks-access');
    expect(verdict.explanation).toContain('which exists (ops/team reaches it)');
    expect(verdict.fix).toContain('Secret team in namespace ops (copy it) can pull this image');
  });

  it('an attached secret not tested keeps the host-match verdict', () => {
    expect(refine(attachedFacts, [candidate('regcred', 'pod', checks.untested!)]).code).toBe('credentials-rejected');
  });

  it('a pod that predates its service account\'s secret is told to restart only when the registry did not refuse that secret', () => {
    const facts = baseFacts({ podSecrets: [], serviceAccountSecrets: [{ name: 'team-creds', state: 'matches' }] });
    expect(refine(facts, [candidate('team-creds', 'service-account', checks.canPull!)]).code).toBe('pod-predates-service-account');
    expect(refine(facts, [candidate('team-creds', 'service-account', checks.wrongPassword!)]).code).toBe('no-working-credential');
    expect(
      refine(facts, [candidate('team-creds', 'service-account', checks.wrongPassword!), candidate('spare', 'namespace', checks.canPull!)]),
    ).toMatchObject({ code: 'secret-not-attached', secretName: 'spare' });
  });

  it('leaves verdicts that do not rest on credentials alone', () => {
    const verdict = decidePullVerdict(baseFacts({ cause: 'not-found' }));
    expect(refineVerdict(verdict, [candidate('x', 'namespace', checks.canPull!)], IMAGE)).toBe(verdict);
    expect(verificationOf(verdict, [])).toEqual({ state: 'not-tested', checkedAt: null });
  });
});

describe('every verified verdict code is reached', () => {
  it('by one of the cases above', () => {
    const attached = baseFacts({ podSecrets: [{ name: 'regcred', state: 'matches' }] });
    const reached = new Set([
      refine(baseFacts({ namespaceMatchingSecrets: ['a'] }), [candidate('a', 'namespace', checks.wrongPassword!)]).code,
      refine(baseFacts({ namespaceMatchingSecrets: ['a'] }), [candidate('a', 'namespace', checks.wrongPassword!), candidate('b', 'other-namespace', checks.canPull!)]).code,
      ...[checks.missingRepository!, checks.noAccess!, checks.refusedRepository!].map((check) => refine(attached, [candidate('regcred', 'pod', check)]).code),
    ]);
    expect(reached).toEqual(new Set(VERIFIED_VERDICT_CODES));
  });
});

describe('verificationOf and rankCandidates', () => {
  const verdict = decidePullVerdict(baseFacts({ namespaceMatchingSecrets: ['a'] }));
  it('is verified when every candidate was tested, partial when some were, not-tested when none was', () => {
    expect(verificationOf(verdict, [candidate('a', 'namespace', checks.canPull!)])).toEqual({ state: 'verified', checkedAt: AT });
    expect(verificationOf(verdict, [candidate('a', 'namespace', checks.canPull!), candidate('b', 'namespace', checks.unreachable!)]).state).toBe('partial');
    expect(verificationOf(verdict, [candidate('a', 'namespace', checks.untested!)]).state).toBe('not-tested');
    expect(verificationOf(verdict, []).state).toBe('verified');
    expect(verificationOf({ ...verdict, partial: true }, []).state).toBe('not-tested');
    expect(verificationOf({ ...verdict, partial: true }, [candidate('a', 'namespace', checks.canPull!)]).state).toBe('partial');
  });

  it('ranks can-pull first and refusals last, keeping the origin order within a rank', () => {
    const ranked = rankCandidates([
      candidate('a', 'pod', checks.wrongPassword!),
      candidate('b', 'namespace', checks.untested!),
      candidate('c', 'namespace', checks.canPull!),
      candidate('d', 'other-namespace', checks.canPull!),
    ]);
    expect(ranked.map((entry) => entry.secret)).toEqual(['c', 'd', 'b', 'a']);
  });
});

describe('properties', () => {
  const RESULTS: CheckResult[] = ['can-pull', 'rejected', 'no-access', 'not-found', 'unreachable', 'not-tested'];
  const anyCheck = fc.record({
    result: fc.constantFrom(...RESULTS),
    message: fc.constantFrom('m1', 'm2'),
    checkedAt: fc.constantFrom(AT, null),
    loginAccepted: fc.constantFrom(true, false, null),
    repositoryExists: fc.constantFrom(true, false, null),
  });
  const anyCandidate = fc
    .record({ secret: fc.constantFrom('a', 'b', 'c', 'd'), origin: fc.constantFrom<CandidateOrigin>('pod', 'service-account', 'namespace', 'other-namespace'), check: anyCheck })
    .map(({ secret, origin, check }) => candidate(secret, origin, check));
  const anySituation = fc
    .record({
      candidates: fc.uniqueArray(anyCandidate, { selector: (entry) => `${entry.origin}/${entry.secret}`, maxLength: 5 }),
      facts: fc.record({
        podSecrets: fc.array(fc.record({ name: fc.constantFrom('a', 'b'), state: fc.constantFrom('matches' as const, 'no-match' as const, 'unreadable' as const) }), { maxLength: 2 }),
        serviceAccountSecrets: fc.array(fc.record({ name: fc.constantFrom('c'), state: fc.constantFrom('matches' as const) }), { maxLength: 1 }),
        namespaceMatchingSecrets: fc.uniqueArray(fc.constantFrom('c', 'd'), { maxLength: 2 }),
      }),
    })
    // A pod's secret is a candidate only because it matches the image (candidatesFor), so the host-match facts
    // list it as matching too: situations where they disagree cannot be read from one cluster.
    .map(({ candidates, facts }) => {
      const sent = candidates.filter((entry) => entry.origin === 'pod').map((entry) => entry.secret);
      const podSecrets = [...facts.podSecrets.filter((fact) => !sent.includes(fact.name)), ...sent.map((name) => ({ name, state: 'matches' as const }))];
      return { candidates, facts: { ...facts, podSecrets } };
    });
  const run = ({ candidates, facts }: { candidates: CandidateCheck[]; facts: Partial<PullFacts> }) => {
    const corroborated = corroborate(candidates, IMAGE);
    return { corroborated, verdict: refineVerdict(decidePullVerdict(baseFacts(facts)), corroborated, IMAGE) as PullVerdict };
  };

  it('never recommends attaching a secret the registry refused', () => {
    fc.assert(
      fc.property(anySituation, (situation) => {
        const { corroborated, verdict } = run(situation);
        if (verdict.code !== 'secret-not-attached' && verdict.code !== 'secret-in-other-namespace') return;
        // The secret recommended is the pod's namespace's (attach) or another namespace's (copy): a secret of the
        // same name elsewhere is another secret.
        const scope: CandidateOrigin[] = verdict.code === 'secret-not-attached' ? ['namespace', 'service-account'] : ['other-namespace'];
        const named = corroborated.filter((entry) => entry.secret === verdict.secretName && scope.includes(entry.origin));
        expect(named.some((entry) => REFUSED.has(entry.check.result) && !named.some((other) => !REFUSED.has(other.check.result)))).toBe(false);
      }),
    );
  });

  it('says no credential in reach can pull only when every candidate was refused and one was', () => {
    fc.assert(
      fc.property(anySituation, (situation) => {
        const { corroborated, verdict } = run(situation);
        if (verdict.code !== 'no-working-credential') return;
        const local = corroborated.filter((entry) => entry.origin === 'namespace' || entry.origin === 'service-account');
        expect(local.every((entry) => REFUSED.has(entry.check.result))).toBe(true);
        expect(corroborated.some((entry) => entry.check.result === 'can-pull')).toBe(false);
      }),
    );
  });

  it('sends people to rotate a password only when the registry refused the login, or nothing was tested', () => {
    fc.assert(
      fc.property(anySituation, (situation) => {
        const { corroborated, verdict } = run(situation);
        if (verdict.code !== 'credentials-rejected') return;
        const sent = corroborated.filter((entry) => entry.origin === 'pod' && REFUSED.has(entry.check.result));
        const first = sent[0];
        if (first !== undefined) expect(first.check.result === 'rejected' && first.check.loginAccepted === false).toBe(true);
      }),
    );
  });

  it('only turns an ambiguous refusal into lack of access with a witness that the repository exists', () => {
    fc.assert(
      fc.property(fc.array(anyCandidate, { maxLength: 5 }), (candidates) => {
        const after = corroborate(candidates, IMAGE);
        after.forEach((entry, index) => {
          const before = candidates[index]!;
          if (entry.check.result !== before.check.result) {
            expect(before.check).toMatchObject({ result: 'rejected', loginAccepted: true, repositoryExists: null });
            expect(candidates.some((other) => other.check.repositoryExists === true)).toBe(true);
          }
        });
      }),
    );
  });
});
