import { describe, expect, it } from 'vitest';
import { byCheck, checkWords, sourceEvidence, withEvidence } from './fix-evidence';
import type { FixOptions, InitialChoice } from './fix-plan';
import type { CandidateCheck, CheckResult } from './pull-verification';

const AT = '2026-01-01T00:00:00.000Z';
function candidate(namespace: string, secret: string, result: CheckResult): CandidateCheck {
  return {
    namespace,
    secret,
    origin: namespace === 'default' ? 'namespace' : 'other-namespace',
    server: 'https://index.docker.io/v1/',
    username: `${secret}-user`,
    check: { result, message: `${secret} ${result}`, checkedAt: AT, loginAccepted: result === 'rejected' ? true : null, repositoryExists: null },
  };
}

const allowed = { allowed: true, reason: null };
const options = {
  sources: {
    existing: [{ name: 'dockercreds', servers: ['https://index.docker.io/v1/'], ...allowed }, { name: 'dockerreq', servers: ['https://index.docker.io/v1/'], ...allowed }],
    copies: [{ namespace: 'ops', name: 'hub', servers: ['https://index.docker.io/v1/'], ...allowed }],
    new: allowed,
    note: null,
  },
} as unknown as FixOptions;
const attachFirst: InitialChoice = { source: 'existing', existingName: 'dockercreds', newName: 'regcred-docker-io', replaceExisting: false, target: 'workload' };

describe('withEvidence', () => {
  it('never starts from a secret the registry refused: a new secret when nothing can pull (nginx-david)', () => {
    const evidence = sourceEvidence('default', [candidate('default', 'dockercreds', 'rejected'), candidate('default', 'dockerreq', 'rejected')]);
    expect(withEvidence(attachFirst, options, 'default', evidence)).toMatchObject({ source: 'new', existingName: null });
  });

  it('starts from this namespace\'s secret that can pull; a copy that can is offered but not preselected', () => {
    const here = sourceEvidence('default', [candidate('default', 'dockercreds', 'rejected'), candidate('default', 'dockerreq', 'can-pull'), candidate('ops', 'hub', 'can-pull')]);
    expect(withEvidence(attachFirst, options, 'default', here)).toMatchObject({ source: 'existing', existingName: 'dockerreq' });
    const elsewhere = sourceEvidence('default', [candidate('default', 'dockercreds', 'rejected'), candidate('ops', 'hub', 'can-pull')]);
    expect(withEvidence(attachFirst, options, 'default', elsewhere)).toMatchObject({ source: 'new', existingName: null });
  });

  it('keeps replacing a broken secret\'s data, and keeps an untested choice', () => {
    const replace: InitialChoice = { ...attachFirst, source: 'new', existingName: null, replaceExisting: true };
    expect(withEvidence(replace, options, 'default', sourceEvidence('default', [candidate('ops', 'hub', 'can-pull')]))).toMatchObject({ source: 'new', replaceExisting: true });
    expect(withEvidence(attachFirst, options, 'default', sourceEvidence('default', [candidate('default', 'dockercreds', 'not-tested')]))).toMatchObject({ source: 'existing', existingName: 'dockercreds' });
  });
});

describe('byCheck and checkWords', () => {
  it('ranks can-pull first and refusals last, and words each result', () => {
    const evidence = sourceEvidence('default', [candidate('default', 'a', 'rejected'), candidate('default', 'b', 'can-pull')]);
    expect(byCheck(['a', 'c', 'b'], (name) => evidence.checkOf('default', name))).toEqual(['b', 'c', 'a']);
    expect(checkWords(evidence.checkOf('default', 'a'))).toBe('✗ rejected');
    expect(checkWords(null)).toBe('');
    expect(evidence.refused('default', 'a')).toBe(true);
    expect(evidence.refused('default', 'c')).toBe(false);
  });
});
