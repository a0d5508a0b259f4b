import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundedMemo } from './bounded-memo';

describe('boundedMemo', () => {
  it('gives what the function gives, for any sequence of inputs and any limit', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 3 }), { maxLength: 200 }), fc.integer({ min: 1, max: 8 }), (inputs, limit) => {
        const memo = boundedMemo((input) => `${input.length}:${input.toUpperCase()}`, limit);
        for (const input of inputs) expect(memo(input)).toBe(`${input.length}:${input.toUpperCase()}`);
      }),
    );
  });

  it('computes an input once while it is among the last `limit` distinct ones, and again once forgotten', () => {
    const computed: string[] = [];
    const memo = boundedMemo((input) => {
      computed.push(input);
      return { input };
    }, 2);
    const first = memo('a');
    expect(memo('a')).toBe(first);
    memo('b');
    expect(memo('a')).toBe(first);
    memo('c');
    expect(computed).toEqual(['a', 'b', 'c']);
    memo('a');
    expect(computed).toEqual(['a', 'b', 'c', 'a']);
  });

  it('remembers an undefined result too', () => {
    let calls = 0;
    const memo = boundedMemo(() => {
      calls += 1;
      return undefined;
    }, 4);
    memo('x');
    memo('x');
    expect(calls).toBe(1);
  });
});
