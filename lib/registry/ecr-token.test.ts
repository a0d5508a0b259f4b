import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ecrTokenAge } from './ecr-token';

const SERVER = 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com';
const NOW = new Date('2026-12-05T18:00:00Z');

/** The shape of `aws ecr get-login-password`'s output: base64 of a JSON envelope with the expiry in Unix seconds. */
function token(expiresAt: Date): string {
  return Buffer.from(JSON.stringify({ payload: 'cGF5bG9hZA==', datakey: 'ZGF0YWtleQ==', version: '2', type: 'DATA_KEY', expiration: expiresAt.getTime() / 1000 })).toString('base64');
}

describe('ecrTokenAge', () => {
  it('reads the expiry from the token and dates its issue 12 h before', () => {
    const age = ecrTokenAge({ server: SERVER, username: 'AWS', password: token(new Date('2026-12-06T02:00:00Z')) }, null, NOW);
    expect(age).toMatchObject({ source: 'token', issuedAt: '2026-12-05T14:00:00.000Z', expiresAt: '2026-12-06T02:00:00.000Z', expired: false });
  });

  it('says an expired token expired, and to refresh it', () => {
    const age = ecrTokenAge({ server: SERVER, username: 'AWS', password: token(new Date('2026-12-05T06:00:00Z')) }, null, NOW);
    expect(age).toMatchObject({ source: 'token', expired: true });
    expect(age?.text).toContain('refresh it');
  });

  it('falls back to the secret creation time, saying that is all it knows', () => {
    const old = ecrTokenAge({ server: SERVER, username: 'AWS', password: 'ecr-authorization-token' }, '2026-12-04T18:00:00Z', NOW);
    expect(old).toMatchObject({ source: 'secret-created', created: '2026-12-04T18:00:00.000Z', expired: true });
    expect(old?.text).toContain('does not say when it expires');
    expect(ecrTokenAge({ server: SERVER, username: 'AWS', password: 'x' }, '2026-12-05T17:00:00Z', NOW)).toMatchObject({ expired: false });
    expect(ecrTokenAge({ server: SERVER, username: 'AWS', password: 'x' }, null, NOW)).toMatchObject({ expired: null });
  });

  it.each([
    ['ghcr.io', 'AWS'],
    [SERVER, 'someone'],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example', 'AWS'],
  ])('leaves %s (%s) alone: not an ECR login', (server, username) => {
    expect(ecrTokenAge({ server, username, password: token(NOW) }, null, NOW)).toBeNull();
  });

  it('dates any expiry it is given to the second', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }), (seconds) => {
        const age = ecrTokenAge({ server: SERVER, username: 'AWS', password: token(new Date(seconds * 1000)) }, null, NOW);
        expect(age?.source === 'token' && Date.parse(age.expiresAt) - Date.parse(age.issuedAt)).toBe(12 * 3_600_000);
        expect(age?.expired).toBe(NOW.getTime() >= seconds * 1000);
      }),
    );
  });
});
