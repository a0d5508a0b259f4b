import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistries, type SimRegistryFleet } from '../../../sim/testing';
import { parseImageRef } from '../../image-ref';
import { probeAccess } from '../../registry/access-probe';
import { TokenCache, type RegistryClientOptions, type RegistryLogin } from '../../registry/client';
import { CredentialVerifier, type VerifierOptions } from './verifier';

/**
 * The verifier's pace against the simulator's token registry: every test below goes to the registry for real,
 * through a probe that counts how many run and how many run at once.
 */
const HOST = 'hub.verify.test';
const OTHER = 'other.verify.test';
const users = Array.from({ length: 6 }, (_, index) => ({ username: `user${index}`, password: `pass${index}` }));
const app = { name: 'team/app', public: false, pullers: users.map((user) => user.username), tags: { '1.0': { platforms: ['linux/amd64'] } } };

let fleet: SimRegistryFleet;
beforeAll(async () => {
  fleet = await startRegistries([
    { host: HOST, auth: 'token', users, repositories: [app] },
    { host: OTHER, auth: 'token', users, repositories: [app] },
  ]);
});
afterAll(async () => {
  await fleet?.close();
});

const image = parseImageRef(`${HOST}/team/app:1.0`);

function harness(options: VerifierOptions = {}) {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const counts = { probes: 0, active: 0, maxActive: 0 };
  const verifier = new CredentialVerifier({
    now: () => now,
    registry: { endpoints: fleet.endpoints(), tokenCache: new TokenCache() },
    probe: async (target, login: RegistryLogin, registry: RegistryClientOptions) => {
      counts.probes += 1;
      counts.active += 1;
      counts.maxActive = Math.max(counts.maxActive, counts.active);
      try {
        return await probeAccess(target, login, registry);
      } finally {
        counts.active -= 1;
      }
    },
    ...options,
  });
  return { verifier, counts, advance: (ms: number) => (now += ms) };
}

describe('CredentialVerifier', () => {
  it('answers from its cache within the period, and tests again after it', async () => {
    const { verifier, counts, advance } = harness({ ttlMs: 60_000 });
    const first = await verifier.check(image, users[0]!);
    expect(first).toMatchObject({ result: 'can-pull', checkedAt: '2026-01-01T00:00:00.000Z' });
    advance(59_000);
    expect(await verifier.check(image, users[0]!)).toBe(first);
    expect(counts.probes).toBe(1);
    advance(2_000);
    expect(await verifier.check(image, users[0]!)).toMatchObject({ result: 'can-pull', checkedAt: '2026-01-01T00:01:01.000Z' });
    expect(counts.probes).toBe(2);
  });

  it('keys the cache by credential: another password is another test', async () => {
    const { verifier, counts } = harness();
    expect(await verifier.check(image, users[1]!)).toMatchObject({ result: 'can-pull' });
    expect(await verifier.check(image, { username: 'user1', password: 'not-it' })).toMatchObject({ result: 'rejected', loginAccepted: false });
    expect(counts.probes).toBe(2);
    expect(verifier.peek(image, users[1]!)).toMatchObject({ result: 'can-pull' });
  });

  it('re-runs one test on request, bypassing the cache', async () => {
    const { verifier, counts } = harness();
    await verifier.check(image, users[0]!);
    await verifier.check(image, users[0]!, { force: true });
    expect(counts.probes).toBe(2);
  });

  it('joins a test already running instead of starting another', async () => {
    const { verifier, counts } = harness();
    const answers = await Promise.all(Array.from({ length: 5 }, () => verifier.check(image, users[2]!)));
    expect(counts.probes).toBe(1);
    expect(new Set(answers).size).toBe(1);
  });

  it('runs at most `concurrency` tests at once', async () => {
    const { verifier, counts } = harness({ concurrency: 2 });
    const answers = await Promise.all(users.map((user) => verifier.check(image, user)));
    expect(answers.map((answer) => answer.result)).toEqual(users.map(() => 'can-pull'));
    expect(counts.probes).toBe(users.length);
    expect(counts.maxActive).toBe(2);
  });

  it('limits the tests per registry per minute, answering not-tested past the limit, other registries unaffected', async () => {
    const { verifier, counts, advance } = harness({ perRegistryPerMinute: 2 });
    const [a, b, c] = await Promise.all(users.slice(0, 3).map((user) => verifier.check(image, user)));
    expect([a?.result, b?.result, c?.result]).toEqual(['can-pull', 'can-pull', 'not-tested']);
    expect(c?.message).toContain(`at most 2 credentials a minute against ${HOST}`);
    expect(await verifier.check(parseImageRef(`${OTHER}/team/app:1.0`), users[2]!)).toMatchObject({ result: 'can-pull' });
    expect(counts.probes).toBe(3);
    advance(60_000);
    expect(await verifier.check(image, users[2]!)).toMatchObject({ result: 'can-pull' });
  });

  it('does not keep an answer from an unreachable registry', async () => {
    const { verifier, counts } = harness();
    const nowhere = parseImageRef('nowhere.verify.invalid/team/app:1.0');
    expect(await verifier.check(nowhere, users[0]!)).toMatchObject({ result: 'unreachable' });
    expect(await verifier.check(nowhere, users[0]!)).toMatchObject({ result: 'unreachable' });
    expect(counts.probes).toBe(2);
  });

  it('never puts a password in an answer', async () => {
    const { verifier } = harness();
    const answers = await Promise.all([verifier.check(image, { username: 'user3', password: 'secret-wrong-pass' }), verifier.check(image, users[3]!)]);
    for (const answer of answers) {
      expect(JSON.stringify(answer)).not.toContain('secret-wrong-pass');
      expect(JSON.stringify(answer)).not.toContain(users[3]!.password);
    }
  });
});
