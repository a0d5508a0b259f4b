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

describe('SharedAnswers taking an older version within staleMs', () => {
  it('lets a request take an answer from an older version begun less than staleMs ago, and starts the next one half way', async () => {
    let now = 0;
    const shared = new SharedAnswers<number>({ now: () => now }, 1_000);
    let release!: () => void;
    const running = shared.get('k', 1, () => new Promise<number>((resolve) => (release = () => resolve(1))));
    now = 100;
    const joined = shared.get('k', 2, async () => 2, 250);
    now = 400;
    const fresh = shared.get('k', 3, async () => 3, 250);
    release();
    expect(await Promise.all([running, joined, fresh])).toEqual([1, 1, 3]);
    expect(shared.computations).toBe(2);
    // Settled at 400 from version 3: it answers version 4 at once, and from 525 on also starts the next computation.
    now = 450;
    expect(await shared.get('k', 4, async () => 4, 250)).toBe(3);
    expect(shared.computations).toBe(2);
    now = 530;
    let finish!: () => void;
    expect(await shared.get('k', 4, () => new Promise<number>((resolve) => (finish = () => resolve(4))), 250)).toBe(3);
    expect(shared.computations).toBe(3);
    now = 560;
    expect(await shared.get('k', 5, async () => 5, 250)).toBe(3);
    // Past staleMs the settled answer is too old; the one begun at 530 is not, and is waited for.
    now = 660;
    const next = shared.get('k', 5, async () => 5, 250);
    finish();
    expect(await next).toBe(4);
    expect(shared.computations).toBe(3);
    // Without staleMs the version asked for is the version computed.
    let hold!: () => void;
    const slow = shared.get('k', 6, () => new Promise<number>((resolve) => (hold = () => resolve(6))));
    const strict = shared.get('k', 7, async () => 7);
    hold();
    expect(await Promise.all([slow, strict])).toEqual([6, 7]);
    expect(shared.computations).toBe(5);
  });

  it('answers from a version current less than staleMs before the request, and starts no computation for a willing request within staleMs/2 of the last', async () => {
    const step = fc.record({ key: fc.constantFrom('a', 'b'), bump: fc.boolean(), advance: fc.nat(300), settle: fc.boolean(), staleMs: fc.constantFrom(0, 100, 250) });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        let now = 0;
        const versions = new Map<string, number>();
        // When each version of each key stopped being current: an answer from it misses what came after.
        const supersededAt = new Map<string, number>();
        const shared = new SharedAnswers<{ key: string; version: number; startedAt: number }>({ now: () => now }, 1_000);
        const pending: { settle: () => void }[] = [];
        // When the last computation of each key started.
        const latest = new Map<string, number>();
        const answers: Promise<void>[] = [];
        for (const { key, bump, advance, settle, staleMs } of steps) {
          now += advance;
          if (bump) {
            const version = (versions.get(key) ?? 0) + 1;
            supersededAt.set(`${key}/${version - 1}`, now);
            versions.set(key, version);
          }
          if (settle) pending.splice(0).forEach((entry) => entry.settle());
          await Promise.resolve();
          const version = versions.get(key) ?? 0;
          const askedAt = now;
          const startedBefore = shared.computations;
          const last = latest.get(key);
          const answer = shared.get(
            key,
            version,
            () =>
              new Promise((resolve) => {
                const made = { key, version, startedAt: now };
                latest.set(key, now);
                pending.push({ settle: () => resolve(made) });
              }),
            staleMs,
          );
          // A request that takes an older version starts nothing within staleMs/2 of the last computation's start.
          if (last !== undefined && askedAt - last < staleMs / 2) expect(shared.computations).toBe(startedBefore);
          answers.push(
            answer.then((made) => {
              expect(made.key).toBe(key);
              expect(made.version).toBeLessThanOrEqual(version);
              if (made.version < version) {
                // Begun less than staleMs before the request, from a version then current, and only for a willing one.
                expect(staleMs).toBeGreaterThan(0);
                expect(askedAt - made.startedAt).toBeLessThan(staleMs);
                expect(supersededAt.get(`${key}/${made.version}`)).toBeGreaterThanOrEqual(made.startedAt);
              }
            }),
          );
        }
        pending.splice(0).forEach((entry) => entry.settle());
        await Promise.all(answers);
      }),
    );
  });
});
