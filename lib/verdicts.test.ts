import { describe, expect, it } from 'vitest';
import { isVerdictCode, VERDICT_CODES, VERDICTS } from './verdicts';

describe('the verdict table', () => {
  it('labels every verdict code', () => {
    expect(Object.keys(VERDICTS).sort()).toEqual([...VERDICT_CODES].sort());
  });

  it('offers a pull secret exactly for the verdicts where the pull was refused for want of credentials, and for rate limits', () => {
    const fixable = VERDICT_CODES.filter((code) => VERDICTS[code].secretFixable);
    expect(fixable).toEqual([
      'missing-secret',
      'secret-not-attached',
      'credentials-rejected',
      'secret-for-other-registry',
      'pod-predates-service-account',
      'referenced-secret-missing',
      'malformed-secret',
      'node-credentials',
      'rate-limited',
      'no-working-credential',
      'secret-in-other-namespace',
      'account-lacks-access',
      'access-refused',
      'cached-image-unverified',
      'cached-image-never-pull',
    ]);
  });

  it('knows its codes and nothing else', () => {
    for (const code of VERDICT_CODES) expect(isVerdictCode(code)).toBe(true);
    for (const other of ['', null, undefined, 'Missing-secret', 'constructor']) expect(isVerdictCode(other)).toBe(false);
  });
});

describe('verdict families', () => {
  it.each([
    ['missing-secret', 'credentials'],
    ['secret-not-attached', 'credentials'],
    ['credentials-rejected', 'credentials'],
    ['node-credentials', 'credentials'],
    ['referenced-secret-missing', 'missing'],
    ['tag-not-found', 'missing'],
    ['registry-unreachable', 'network'],
    ['rate-limited', 'network'],
    ['platform-mismatch', 'policy'],
    ['never-pull', 'policy'],
    ['unknown', 'unknown'],
  ] as const)('%s is a %s problem', (code, family) => {
    expect(VERDICTS[code].family).toBe(family);
  });
});
