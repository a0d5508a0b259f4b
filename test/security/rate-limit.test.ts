import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { installPeerKey, PEER_HEADER } from '../../lib/security/peer';
import { clientKey, createRateLimiter, TRUST_PROXY_ENV } from '../../lib/security/rate-limit';

describe('createRateLimiter', () => {
  it('allows max requests at once, then refuses until the window refills', () => {
    let now = 0;
    const limiter = createRateLimiter({ windowMs: 60_000, max: 3, now: () => now });
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false]);
    now += 19_999;
    expect(limiter.take('a')).toBe(false);
    now += 1;
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
    now += 60_000;
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false]);
  });

  it('keeps clients apart', () => {
    const limiter = createRateLimiter({ windowMs: 1_000, max: 1, now: () => 0 });
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
    expect(limiter.take('b')).toBe(true);
  });

  it('refuses impossible limits', () => {
    expect(() => createRateLimiter({ windowMs: 0, max: 1 })).toThrow(RangeError);
    expect(() => createRateLimiter({ windowMs: 1_000, max: 0 })).toThrow(RangeError);
  });

  it('never grants more than max + elapsed × rate, whatever the timing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 100, max: 10_000 }),
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 2_000 }), key: fc.constantFrom('a', 'b') }), { maxLength: 300 }),
        (max, windowMs, requests) => {
          let now = 0;
          const limiter = createRateLimiter({ windowMs, max, now: () => now });
          const granted = { a: 0, b: 0 };
          for (const { gap, key } of requests) {
            now += gap;
            if (limiter.take(key)) granted[key] += 1;
          }
          const bound = max + Math.floor((now * max) / windowMs);
          return granted.a <= bound && granted.b <= bound;
        },
      ),
    );
  });
});

describe('clientKey', () => {
  installPeerKey('rate-limit-test-peer-key');
  const stamped = (headers: Record<string, string>) => new Request('http://127.0.0.1/', { headers });

  afterEach(() => {
    delete process.env[TRUST_PROXY_ENV];
  });

  it('takes the socket address and ignores a client-sent X-Forwarded-For', () => {
    expect(clientKey(stamped({ [PEER_HEADER]: 'rate-limit-test-peer-key 10.0.0.7', 'x-forwarded-for': '10.9.9.9' }))).toBe('10.0.0.7');
    expect(clientKey(stamped({ 'x-forwarded-for': '10.9.9.9' }))).toBe('unknown-client');
    expect(clientKey(stamped({ [PEER_HEADER]: 'forged-key 10.0.0.7' }))).toBe('unknown-client');
  });

  it('takes the entry the trusted proxy appended when configured to sit behind one', () => {
    process.env[TRUST_PROXY_ENV] = '1';
    expect(clientKey(stamped({ [PEER_HEADER]: 'rate-limit-test-peer-key 10.0.0.2', 'x-forwarded-for': '6.6.6.6, 10.0.0.7' }))).toBe('10.0.0.7');
    expect(clientKey(stamped({ [PEER_HEADER]: 'rate-limit-test-peer-key 10.0.0.2' }))).toBe('10.0.0.2');
  });
});
