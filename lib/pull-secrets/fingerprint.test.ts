import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { credentialFingerprint } from './fingerprint';

const ascii = (text: string) => new TextEncoder().encode(text);
const repeated = (byte: number, length: number) => new Uint8Array(length).fill(byte);

// RFC 4231 section 4, HMAC-SHA-256 test cases 1-7 (case 5 is truncated to 128 bits by the RFC).
const hmacVectors: Array<[string, Uint8Array, Uint8Array, string]> = [
  ['case 1', repeated(0x0b, 20), ascii('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
  ['case 2', ascii('Jefe'), ascii('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
  ['case 3', repeated(0xaa, 20), repeated(0xdd, 50), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
  [
    'case 4',
    Uint8Array.from({ length: 25 }, (_, i) => i + 1),
    repeated(0xcd, 50),
    '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
  ],
  ['case 5 (truncated)', repeated(0x0c, 20), ascii('Test With Truncation'), 'a3b6167473100ee06e0c796c2955552b'],
  [
    'case 6 (key longer than a block)',
    repeated(0xaa, 131),
    ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  ],
  [
    'case 7 (key and data longer than a block)',
    repeated(0xaa, 131),
    ascii(
      'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
    ),
    '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  ],
];

describe('credentialFingerprint is HMAC-SHA256', () => {
  it.each(hmacVectors)('passes RFC 4231 %s', (_name, key, data, mac) => {
    expect(credentialFingerprint(data, key)).toBe(`fp:${mac.slice(0, 12)}`);
  });

  it('agrees with node:crypto for any key and message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), (key, message) => {
        expect(credentialFingerprint(message, key)).toBe(`fp:${createHmac('sha256', key).update(message).digest('hex').slice(0, 12)}`);
      }),
    );
  });
});

describe('credentialFingerprint', () => {
  it('is "fp:" and the first 12 hex digits of the HMAC', () => {
    const key = ascii('Jefe');
    const expected = createHmac('sha256', key).update('octocat:ghp_exampletoken').digest('hex').slice(0, 12);
    expect(credentialFingerprint(ascii('octocat:ghp_exampletoken'), key)).toBe(`fp:${expected}`);
  });

  it('uses one random key per process when none is given', () => {
    const credential = ascii('user:password');
    const first = credentialFingerprint(credential);
    expect(first).toMatch(/^fp:[0-9a-f]{12}$/);
    expect(credentialFingerprint(credential)).toBe(first);
    expect(credentialFingerprint(ascii('user:other-password'))).not.toBe(first);
    // An unkeyed hash would let anyone check a guessed password offline.
    expect(first).not.toBe(`fp:${createHash('sha256').update(credential).digest('hex').slice(0, 12)}`);
  });
});
