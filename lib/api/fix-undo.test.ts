import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addsOnlySecret, fixUndoSchema } from './fix-undo';

const VALID = {
  fixId: '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
  namespace: 'team-ghcr',
  appliedAt: '2026-12-05T13:07:00.000Z',
  secret: { name: 'regcred-ghcr-io', origin: 'created' },
  attach: { kind: 'workload', workload: { kind: 'Deployment', name: 'api' }, before: ['hub-creds'], after: ['hub-creds', 'regcred-ghcr-io'], template: 'a'.repeat(64) },
};

function issue(input: unknown): string {
  const result = fixUndoSchema.safeParse(input);
  expect(result.success).toBe(false);
  const first = result.error?.issues[0];
  return `${first?.path.join('.')}: ${first?.message}`;
}

describe('fixUndoSchema', () => {
  it('takes a record as the apply answers it', () => {
    expect(fixUndoSchema.parse(VALID)).toEqual(VALID);
    expect(fixUndoSchema.parse({ ...VALID, attach: { kind: 'service-account', name: 'default', before: null, after: ['regcred-ghcr-io'] } }).attach.kind).toBe('service-account');
    expect(fixUndoSchema.parse({ ...VALID, attach: { kind: 'none', reason: 'pod x was recreated' } }).attach.kind).toBe('none');
  });

  it.each([
    [{ ...VALID, fixId: 'not-a-uuid' }, /^fixId: fixId must be/],
    [{ ...VALID, namespace: 'Team' }, /^namespace: /],
    [{ ...VALID, secret: { name: 'x', origin: 'stolen' } }, /^secret.origin: /],
    [{ ...VALID, attach: { ...VALID.attach, workload: { kind: 'Pod', name: 'api' } } }, /^attach.workload.kind: /],
    [{ ...VALID, attach: { ...VALID.attach, template: 'xyz' } }, /^attach.template: template must be a SHA-256/],
    // A record that would remove names the fix never added, or add others back.
    [{ ...VALID, attach: { ...VALID.attach, before: [], after: ['hub-creds', 'regcred-ghcr-io'] } }, /^attach.after: attach.after must be attach.before plus/],
    [{ ...VALID, attach: { ...VALID.attach, before: ['hub-creds'], after: ['hub-creds', 'other'] } }, /^attach.after: /],
    [{ ...VALID, attach: { ...VALID.attach, before: Array.from({ length: 65 }, (_, index) => `s${index}`) } }, /^attach.before: at most 64/],
    [{ ...VALID, data: { '.dockerconfigjson': 'eyJ9' } }, null],
  ])('refuses a bad record (%#)', (input, message) => {
    if (message === null) {
      // Unknown fields are dropped: whatever a page adds, no secret data reaches the undo.
      expect(fixUndoSchema.parse(input)).not.toHaveProperty('data');
      return;
    }
    expect(issue(input)).toMatch(message);
  });
});

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);

describe('addsOnlySecret', () => {
  it('holds exactly when after is before plus the secret at the end', () => {
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 6 }), name, (before, secret) => {
        fc.pre(!before.includes(secret));
        expect(addsOnlySecret(before, [...before, secret], secret)).toBe(true);
        expect(addsOnlySecret(before, before, secret)).toBe(false);
        expect(addsOnlySecret(before, [secret, ...before], secret)).toBe(before.length === 0);
        expect(addsOnlySecret([...before, secret], [...before, secret, secret], secret)).toBe(false);
      }),
    );
  });
});
