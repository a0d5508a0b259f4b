import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeHeadroom, describeHubAllowance, parseRateLimit } from './rate-limit';

describe('parseRateLimit', () => {
  it('reads Docker Hub headers', () => {
    expect(parseRateLimit('100;w=21600', '76;w=21600', '203.0.113.7')).toEqual({ limit: 100, remaining: 76, windowSeconds: 21600, source: '203.0.113.7' });
    expect(parseRateLimit('200', '0', null)).toEqual({ limit: 200, remaining: 0, windowSeconds: null, source: null });
  });

  it.each([
    [null, '1;w=60'],
    ['100;w=60', null],
    ['lots', '1'],
    ['100', '-1'],
    ['', ''],
  ])('finds nothing in %j / %j', (limit, remaining) => expect(parseRateLimit(limit, remaining)).toBeNull());

  it('reads back any count and window it is given', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.nat(1_000_000), fc.integer({ min: 1, max: 1_000_000 }), (limit, remaining, window) => {
        expect(parseRateLimit(`${limit};w=${window}`, ` ${remaining} ; w=${window}`)).toEqual({ limit, remaining, windowSeconds: window, source: null });
      }),
    );
  });
});

describe('describeHeadroom', () => {
  it('says how many pulls are left in which window, against whom', () => {
    expect(describeHeadroom({ limit: 100, remaining: 76, windowSeconds: 21600, source: '203.0.113.7' })).toBe('76 of 100 pulls left in this 6 h window (counted against 203.0.113.7)');
    expect(describeHeadroom({ limit: 3, remaining: 0, windowSeconds: 90, source: null })).toBe('0 of 3 pulls left in this 90 s window');
  });
});

describe('describeHubAllowance', () => {
  it('says what Docker Hub allows this client, and with none left that Hub states no reset time', () => {
    const exhausted = parseRateLimit('100;w=21600', '0;w=21600', 'capped-bot');
    expect(exhausted && describeHubAllowance(exhausted)).toBe(
      'Docker Hub allows 0 more of 100 pulls per 6 h for this client (counted against capped-bot); Hub states no reset time: a pull is allowed again once one of those made in the last 6 h ages out of it',
    );
    expect(describeHubAllowance({ limit: 200, remaining: 76, windowSeconds: 21600, source: null })).toBe('Docker Hub allows 76 more of 200 pulls per 6 h for this client');
  });

  it('states the counts the headers gave, whatever they are', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.nat(1_000_000), fc.integer({ min: 1, max: 1_000_000 }), (limit, remaining, window) => {
        const headroom = parseRateLimit(`${limit};w=${window}`, `${remaining};w=${window}`);
        expect(headroom).not.toBeNull();
        const text = describeHubAllowance(headroom!);
        expect(text.startsWith(`Docker Hub allows ${remaining} more of ${limit} pulls per `)).toBe(true);
        expect(text.includes('no reset time')).toBe(remaining === 0);
      }),
    );
  });
});
