import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SharedAnswers } from './shared-answers';

describe('SharedAnswers', () => {
  it('computes once for identical requests in flight and settled, again when the version changes or the answer ages', async () => {
    let now = 0;
    const shared = new SharedAnswers<number>({ now: () => now }, 1_000);
    let computed = 0;
    const compute = async () => (computed += 1);
    const first = await Promise.all(Array.from({ length: 10 }, () => shared.get('ctx\u0000', 1, compute)));
    expect(first).toEqual(Array(10).fill(1));
    expect(await shared.get('ctx\u0000', 1, compute)).toBe(1);
    expect(await shared.get('ctx\u0000', 2, compute)).toBe(2);
    expect(await shared.get('other\u0000', 2, compute)).toBe(3);
    now = 1_000;
    expect(await shared.get('ctx\u0000', 2, compute)).toBe(4);
    expect(shared.computations).toBe(4);
  });

  it('does not keep a failed computation, and forgets a context on request', async () => {
    const shared = new SharedAnswers<string>({ now: () => 0 }, 1_000);
    await expect(shared.get('a\u0000', 1, async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await shared.get('a\u0000', 1, async () => 'up')).toBe('up');
    shared.forget('a\u0000');
    expect(await shared.get('a\u0000', 1, async () => 'again')).toBe('again');
  });

  it('always answers with a computation made at the version asked for, whatever the sequence of requests', async () => {
    const request = fc.record({ key: fc.constantFrom('a', 'b'), version: fc.nat(5), advance: fc.nat(600) });
    await fc.assert(
      fc.asyncProperty(fc.array(request, { maxLength: 40 }), async (requests) => {
        let now = 0;
        const shared = new SharedAnswers<{ key: string; version: number }>({ now: () => now }, 1_000);
        let computations = 0;
        const seen = new Set<string>();
        for (const { key, version, advance } of requests) {
          now += advance;
          const answer = await shared.get(key, version, async () => {
            computations += 1;
            return { key, version };
          });
          expect(answer).toEqual({ key, version });
          seen.add(`${key}/${version}`);
        }
        // Never fewer computations than distinct (key, version) pairs asked for, never more than requests.
        expect(computations).toBeGreaterThanOrEqual(seen.size);
        expect(computations).toBeLessThanOrEqual(requests.length);
        expect(shared.computations).toBe(computations);
      }),
    );
  });
});
