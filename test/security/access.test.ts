import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACCESS_COOKIE, decideAccess } from '../../lib/security/access';
import { constantTimeEqual } from '../../lib/security/constant-time';

const TOKEN = 'Zx8c1Qm3rT0pLw2vN5bY7aKd';
const headers = (values: Record<string, string> = {}) => new Headers(values);
const at = (path: string) => new URL(`http://192.0.2.10:3000${path}`);

describe('constantTimeEqual', () => {
  it.each([
    ['same', TOKEN, TOKEN, true],
    ['empty pair', '', '', true],
    ['one character off', TOKEN, `${TOKEN.slice(0, -1)}e`, false],
    ['prefix', TOKEN.slice(0, 10), TOKEN, false],
    ['longer', `${TOKEN}x`, TOKEN, false],
    ['empty against token', '', TOKEN, false],
    ['non-ASCII', 'pässwörd', 'passwort', false],
  ])('%s', (_name, a, b, expected) => expect(constantTimeEqual(a, b)).toBe(expected));

  it('agrees with === on any pair of strings (property)', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => constantTimeEqual(a, b) === (a === b)));
    fc.assert(fc.property(fc.string(), (a) => constantTimeEqual(a, a)));
  });
});

describe('decideAccess', () => {
  it('lets everything through when no token is configured', () => {
    expect(decideAccess(at('/'), headers(), undefined)).toEqual({ kind: 'open' });
    expect(decideAccess(at('/api/contexts'), headers(), '')).toEqual({ kind: 'open' });
  });

  it('keeps the health endpoint open for probes', () => {
    expect(decideAccess(at('/api/health'), headers(), TOKEN)).toEqual({ kind: 'open' });
  });

  it('grants the cookie and the bearer header holding the token', () => {
    expect(decideAccess(at('/api/contexts'), headers({ cookie: `a=b; ${ACCESS_COOKIE}=${TOKEN}` }), TOKEN)).toEqual({ kind: 'granted' });
    expect(decideAccess(at('/'), headers({ authorization: `Bearer ${TOKEN}` }), TOKEN)).toEqual({ kind: 'granted' });
  });

  it('denies a missing or wrong token', () => {
    expect(decideAccess(at('/'), headers(), TOKEN)).toEqual({ kind: 'denied', reason: 'missing' });
    expect(decideAccess(at('/api/contexts'), headers({ cookie: `${ACCESS_COOKIE}=nope` }), TOKEN)).toEqual({ kind: 'denied', reason: 'invalid' });
    expect(decideAccess(at('/'), headers({ authorization: `Basic ${TOKEN}` }), TOKEN)).toEqual({ kind: 'denied', reason: 'missing' });
    expect(decideAccess(at('/'), headers({ cookie: `other-${ACCESS_COOKIE}=${TOKEN}` }), TOKEN)).toEqual({ kind: 'denied', reason: 'missing' });
  });

  it('turns a sign-in link into a redirect to the same URL without the token', () => {
    const decision = decideAccess(at(`/contexts/prod?namespace=shop&token=${TOKEN}`), headers(), TOKEN);
    expect(decision.kind).toBe('sign-in');
    expect(decision.kind === 'sign-in' && decision.redirectTo.href).toBe('http://192.0.2.10:3000/contexts/prod?namespace=shop');
    expect(decideAccess(at('/?token=wrong'), headers({ cookie: `${ACCESS_COOKIE}=${TOKEN}` }), TOKEN)).toEqual({ kind: 'denied', reason: 'invalid' });
  });
});
