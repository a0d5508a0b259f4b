import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkImageAccess, checkRateLimit, TokenCache } from '../../lib/registry/client';
import type { RegistryEndpointConfig } from '../../lib/registry/endpoints';
import { type SimRegistryFleet, startRegistries } from '../../sim/testing';

/**
 * The pull allowance against the simulator's Docker-Hub-style registry, which states it as Docker Hub does
 * (`ratelimit-limit` / `ratelimit-remaining` on manifest replies to anonymous clients): reading it with a HEAD
 * costs no pull, a GET of the manifest costs one, and an exhausted allowance still answers the HEAD.
 */
const HUB = 'hub.headroom.test';
const PLAIN = 'plain.headroom.test';
/** Docker Hub's per-account allowance: capped-bot has two of its 100 pulls per 6 h left. */
const ACCOUNTS = 'accounts.headroom.test';
const CAPPED = { username: 'capped-bot', password: 'capped-pass' };
let fleet: SimRegistryFleet;
let endpoints: RegistryEndpointConfig;

beforeAll(async () => {
  const nginx = { name: 'library/nginx', public: true, tags: { '1.27': { platforms: ['linux/amd64'] } } };
  fleet = await startRegistries([
    { host: HUB, auth: 'token', users: [], rateLimit: { pullsPerMinute: 3 }, repositories: [nginx] },
    { host: PLAIN, auth: 'token', users: [], repositories: [nginx] },
    {
      host: ACCOUNTS,
      auth: 'token',
      users: [CAPPED, { username: 'free-bot', password: 'free-pass' }],
      allowances: { [CAPPED.username]: { limit: 100, remaining: 2, windowSeconds: 21600 } },
      repositories: [nginx],
    },
  ]);
  endpoints = fleet.endpoints();
});
afterAll(async () => {
  await fleet?.close();
});

const options = () => ({ endpoints, tokenCache: new TokenCache() });

describe('checkRateLimit', () => {
  it('reads the allowance with HEADs that cost nothing, while each GET costs one pull', async () => {
    const image = `${HUB}/library/nginx:1.27`;
    expect(await checkRateLimit(image, null, options())).toEqual({ ok: true, headroom: { limit: 3, remaining: 3, windowSeconds: 60, source: null } });
    expect(await checkRateLimit(image, null, options())).toMatchObject({ headroom: { remaining: 3 } });
    expect((await checkImageAccess(image, null, options())).ok).toBe(true);
    expect(await checkRateLimit(image, null, options())).toMatchObject({ headroom: { limit: 3, remaining: 2 } });
    await checkImageAccess(image, null, options());
    await checkImageAccess(image, null, options());
    expect(await checkImageAccess(image, null, options())).toMatchObject({ ok: false, cause: 'rate-limit' });
    expect(await checkRateLimit(image, null, options())).toMatchObject({ ok: true, headroom: { remaining: 0 } });
  });

  it('says nothing when the registry states no allowance', async () => {
    expect(await checkRateLimit(`${PLAIN}/library/nginx:1.27`, null, options())).toEqual({ ok: true, headroom: null });
  });

  it('reports a repository it cannot reach as the failure it is', async () => {
    expect(await checkRateLimit(`${PLAIN}/library/missing:1`, null, options())).toMatchObject({ ok: false });
  });

  it('reads an account\'s Hub allowance in Hub\'s format, spent by GETs only, and still stated once it is gone', async () => {
    const image = `${ACCOUNTS}/library/nginx:1.27`;
    const stated = { limit: 100, windowSeconds: 21600, source: CAPPED.username };
    expect(await checkRateLimit(image, CAPPED, options())).toEqual({ ok: true, headroom: { ...stated, remaining: 2 } });
    expect(await checkRateLimit(image, CAPPED, options())).toEqual({ ok: true, headroom: { ...stated, remaining: 2 } });
    expect((await checkImageAccess(image, CAPPED, options())).ok).toBe(true);
    expect((await checkImageAccess(image, CAPPED, options())).ok).toBe(true);
    expect(await checkRateLimit(image, CAPPED, options())).toEqual({ ok: true, headroom: { ...stated, remaining: 0 } });
    expect(await checkImageAccess(image, CAPPED, options())).toMatchObject({ ok: false, cause: 'rate-limit' });
    expect(await checkRateLimit(image, CAPPED, options())).toEqual({ ok: true, headroom: { ...stated, remaining: 0 } });
  });

  it('states no allowance to an account or a client that has none', async () => {
    const image = `${ACCOUNTS}/library/nginx:1.27`;
    expect(await checkRateLimit(image, { username: 'free-bot', password: 'free-pass' }, options())).toEqual({ ok: true, headroom: null });
    expect(await checkRateLimit(image, null, options())).toEqual({ ok: true, headroom: null });
  });
});
