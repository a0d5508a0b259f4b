import { describe, expect, it } from 'vitest';
import { serviceAccountFromToken } from '../../lib/kube/service-account-token';

const jwt = (claims: unknown) =>
  [{ alg: 'RS256', kid: 'k' }, claims].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.c2lnbmF0dXJl';

describe('serviceAccountFromToken', () => {
  it('reads the account a projected service-account token names', () => {
    const token = jwt({ sub: 'system:serviceaccount:pullfix:pullfix', aud: ['https://kubernetes.default.svc'] });
    expect(serviceAccountFromToken(token)).toEqual({ namespace: 'pullfix', name: 'pullfix' });
    expect(serviceAccountFromToken(`${token}\n`)).toEqual({ namespace: 'pullfix', name: 'pullfix' });
  });

  it.each([
    ['no token', null],
    ['not a JWT', 'opaque-token'],
    ['a payload that is not JSON', 'aGVhZGVy.bm90IGpzb24.c2ln'],
    ['a user, not a service account', jwt({ sub: 'alice@example.com' })],
    ['no subject', jwt({ iss: 'kubernetes' })],
    ['a subject with extra parts', jwt({ sub: 'system:serviceaccount:a:b:c' })],
  ])('answers null for %s', (_name, token) => {
    expect(serviceAccountFromToken(token)).toBeNull();
  });
});
