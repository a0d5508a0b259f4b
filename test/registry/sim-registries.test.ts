import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkImageAccess, listTags, TokenCache, type RegistryLogin } from '../../lib/registry/client';
import type { RegistryEndpointConfig } from '../../lib/registry/endpoints';
import { type SimRegistryFleet, startRegistries } from '../../sim/testing';

/**
 * The registry client against the simulator's Docker-Hub-style registry: the /v2/ challenge, a token service
 * that grants only the repositories a user may pull, anonymous tokens for public repositories, the anonymous
 * pull rate limit, and tags pages linked with `Link: rel="next"`. Every request the client sends is recorded.
 */
const HOST = 'hub.sim.test';
const LIMITED = 'mirror.sim.test';
const alice: RegistryLogin = { username: 'alice', password: 'alice-registry-pass' };
const bob: RegistryLogin = { username: 'bob', password: 'bob-registry-pass' };
const manyTags = Object.fromEntries(Array.from({ length: 7 }, (_, index) => [`1.${index}`, { platforms: ['linux/amd64'] }]));

let fleet: SimRegistryFleet;
let endpoints: RegistryEndpointConfig;
const sent: { url: URL; authorization: string | null }[] = [];

beforeAll(async () => {
  fleet = await startRegistries([
    {
      host: HOST,
      auth: 'token',
      users: [alice, bob],
      repositories: [
        { name: 'library/nginx', public: true, tags: { '1.27': { platforms: ['linux/amd64', 'linux/arm64'] } } },
        { name: 'alice/app', public: false, pullers: ['alice'], tags: { '2.0': { platforms: ['linux/amd64'] } } },
        { name: 'library/many', public: true, tags: manyTags },
      ],
    },
    { host: LIMITED, auth: 'token', users: [alice], rateLimit: { pullsPerMinute: 0 }, repositories: [{ name: 'library/nginx', public: true, tags: { '1.27': { platforms: ['linux/amd64'] } } }] },
  ]);
  endpoints = fleet.endpoints();
  const original = http.request.bind(http) as (...args: unknown[]) => http.ClientRequest;
  vi.spyOn(http, 'request').mockImplementation(((...args: unknown[]) => {
    const [url, options] = args as [URL, http.RequestOptions];
    const authorization = (options.headers as Record<string, string> | undefined)?.authorization ?? null;
    sent.push({ url, authorization });
    return original(...args);
  }) as typeof http.request);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await fleet?.close();
});
beforeEach(() => {
  sent.length = 0;
});

const options = () => ({ endpoints, tokenCache: new TokenCache() });
const tokenRequests = () => sent.filter((request) => request.url.pathname === '/token');

describe('the bearer-token flow with scopes', () => {
  it('asks the token service for a token scoped to the one repository, with the account, and pulls with it', async () => {
    const result = await checkImageAccess(`${HOST}/alice/app:2.0`, alice, options());
    expect(result).toMatchObject({ ok: true, repository: 'alice/app', reference: '2.0', digest: expect.stringMatching(/^sha256:/) });
    const [token, ...more] = tokenRequests();
    expect(more).toEqual([]);
    expect(token?.url.searchParams.getAll('scope')).toEqual(['repository:alice/app:pull']);
    expect(token?.url.searchParams.get('account')).toBe('alice');
    expect(token?.authorization).toBe(`Basic ${Buffer.from(`${alice.username}:${alice.password}`).toString('base64')}`);
    const manifest = sent.find((request) => request.url.pathname.startsWith('/v2/alice/app/manifests/'));
    expect(manifest?.authorization).toMatch(/^Bearer \S+$/);
  });

  it('is refused when the token only covers what the user may pull', async () => {
    const result = await checkImageAccess(`${HOST}/alice/app:2.0`, bob, options());
    expect(result).toMatchObject({ ok: false, cause: 'unauthorized', status: 401 });
    if (!result.ok) expect(result.message).toContain('refused bob access to alice/app');
  });

  it('is refused by the token service for a wrong password, and says whose', async () => {
    const result = await checkImageAccess(`${HOST}/alice/app:2.0`, { username: 'alice', password: 'not-it' }, options());
    expect(result).toMatchObject({ ok: false, cause: 'unauthorized', registryMessage: 'incorrect username or password' });
    if (!result.ok) expect(result.message).toContain('rejected the credentials of alice');
  });
});

describe('anonymous tokens', () => {
  it('pulls a public repository with a token asked for without credentials', async () => {
    const result = await checkImageAccess(`${HOST}/library/nginx:1.27`, null, options());
    expect(result).toMatchObject({ ok: true, platforms: ['linux/amd64', 'linux/arm64'] });
    expect(tokenRequests().map((request) => [request.url.searchParams.get('scope'), request.authorization, request.url.searchParams.get('account')])).toEqual([
      ['repository:library/nginx:pull', null, null],
    ]);
  });

  it('gets no access to a private repository with an anonymous token', async () => {
    const result = await checkImageAccess(`${HOST}/alice/app:2.0`, null, options());
    expect(result).toMatchObject({ ok: false, cause: 'unauthorized' });
  });
});

describe('the anonymous pull rate limit', () => {
  it('answers 429 TOOMANYREQUESTS to anonymous pulls, in plain words', async () => {
    const result = await checkImageAccess(`${LIMITED}/library/nginx:1.27`, null, options());
    expect(result).toMatchObject({ ok: false, cause: 'rate-limit', status: 429, registryCode: 'TOOMANYREQUESTS' });
    if (!result.ok) expect(result.message).toMatch(/rate-limiting pulls .*authenticate/);
  });

  it('lets authenticated pulls through', async () => {
    const result = await checkImageAccess(`${LIMITED}/library/nginx:1.27`, alice, options());
    expect(result).toMatchObject({ ok: true });
  });
});

describe('tags pagination', () => {
  it('follows Link rel="next" page by page until the last', async () => {
    const result = await listTags(`${HOST}/library/many`, null, { ...options(), limit: 3 });
    expect(result).toEqual({ ok: true, registry: HOST, repository: 'library/many', tags: Object.keys(manyTags).sort(), complete: true });
    const pages = sent.filter((request) => request.url.pathname === '/v2/library/many/tags/list');
    expect(pages.map((request) => request.url.search)).toEqual(['?n=3', '?last=1.2&n=3', '?last=1.5&n=3']);
  });

  it('stops at the page budget and says the list is incomplete', async () => {
    const result = await listTags(`${HOST}/library/many`, null, { ...options(), limit: 2, pages: 2 });
    expect(result).toMatchObject({ ok: true, tags: ['1.0', '1.1', '1.2', '1.3'], complete: false });
  });

  it('reports an unknown repository as Docker Hub does: like a private one', async () => {
    const result = await listTags(`${HOST}/library/absent`, null, options());
    expect(result).toMatchObject({ ok: false, cause: 'unauthorized', status: 401 });
  });
});
