import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACCESS_COOKIE, decideAccess } from '../../lib/security/access';
import { constantTimeEqual } from '../../lib/security/constant-time';

const TOKEN = 'Zx8c1Qm3rT0pLw2vN5bY7aKd';
const headers = (values: Record<string, string> = {}) => new Headers(values);

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
  const LOOPBACK = '127.0.0.1';
  const REMOTE = '192.0.2.44';
  const at = (pathname: string, values: Record<string, string> = {}, peer: string | null = LOOPBACK, method = 'GET') => ({ method, pathname, headers: headers(values), peer });

  it('lets a loopback client through when no token is configured', () => {
    expect(decideAccess(at('/'), undefined)).toEqual({ kind: 'open' });
    expect(decideAccess(at('/api/contexts', {}, '::1'), '')).toEqual({ kind: 'open' });
    expect(decideAccess(at('/api/contexts', {}, '::ffff:127.0.0.9'), null)).toEqual({ kind: 'open' });
  });

  it('refuses a client beyond loopback, or of unknown address, when no token is configured', () => {
    expect(decideAccess(at('/', {}, REMOTE), undefined)).toEqual({ kind: 'refused', peer: REMOTE });
    expect(decideAccess(at('/api/contexts', {}, '::ffff:10.0.0.1'), '')).toEqual({ kind: 'refused', peer: '::ffff:10.0.0.1' });
    expect(decideAccess(at('/api/contexts', {}, null), undefined)).toEqual({ kind: 'refused', peer: null });
  });

  it('keeps the health endpoint open for probes', () => {
    expect(decideAccess(at('/api/health', {}, REMOTE), TOKEN)).toEqual({ kind: 'open' });
    expect(decideAccess(at('/api/health', {}, REMOTE), undefined)).toEqual({ kind: 'open' });
  });

  it('grants the cookie and the bearer header holding the token, from anywhere', () => {
    expect(decideAccess(at('/api/contexts', { cookie: `a=b; ${ACCESS_COOKIE}=${TOKEN}` }, REMOTE), TOKEN)).toEqual({ kind: 'granted' });
    expect(decideAccess(at('/', { authorization: `Bearer ${TOKEN}` }), TOKEN)).toEqual({ kind: 'granted' });
  });

  it('denies a missing or wrong token, on loopback too once a token is configured', () => {
    expect(decideAccess(at('/'), TOKEN)).toEqual({ kind: 'denied', reason: 'missing' });
    expect(decideAccess(at('/api/contexts', { cookie: `${ACCESS_COOKIE}=nope` }, REMOTE), TOKEN)).toEqual({ kind: 'denied', reason: 'invalid' });
    expect(decideAccess(at('/', { authorization: `Basic ${TOKEN}` }), TOKEN)).toEqual({ kind: 'denied', reason: 'missing' });
    expect(decideAccess(at('/', { cookie: `other-${ACCESS_COOKIE}=${TOKEN}` }), TOKEN)).toEqual({ kind: 'denied', reason: 'missing' });
  });

  it('takes no token from the URL; a POSTed form on a page is the sign-in', () => {
    expect(decideAccess(at(`/contexts/prod?token=${TOKEN}`, {}, REMOTE), TOKEN)).toEqual({ kind: 'denied', reason: 'missing' });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(decideAccess(at('/contexts/prod', form, REMOTE, 'POST'), TOKEN)).toEqual({ kind: 'sign-in' });
    expect(decideAccess(at('/api/contexts', form, REMOTE, 'POST'), TOKEN)).toEqual({ kind: 'denied', reason: 'missing' });
  });
});
