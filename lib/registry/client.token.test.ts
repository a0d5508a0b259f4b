import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTokenRegistry, type TokenRegistry } from '../../test/registry/token-registry';
import { checkImageAccess, listTags, TokenCache, type RegistryLogin } from './client';
import type { RegistryEndpointConfig } from './endpoints';

const alice: RegistryLogin = { username: 'alice', password: 'alice-secret-password' };
const repositories = [
  { name: 'library/nginx', public: true, tags: ['1.25', '1.26', 'latest'] },
  { name: 'davidpuziol/nginx', public: false, tags: ['latest', 'v1', 'v2', 'v3'] },
];

/** Images name the registry "registry.pullfix.test"; the configuration sends that host to the loopback server. */
function endpointsFor(registry: TokenRegistry): RegistryEndpointConfig {
  return { hosts: { 'registry.pullfix.test': { endpoint: registry.url } } };
}

describe.each(['token', 'access_token'] as const)('the bearer-token flow, token service answering %s', (tokenField) => {
  let registry: TokenRegistry;
  beforeAll(async () => {
    registry = await startTokenRegistry({ tokenField, expiresIn: 300, users: [alice], repositories });
  });
  afterAll(() => registry.close());

  const check = (image: string, credential: RegistryLogin | null) =>
    checkImageAccess(`registry.pullfix.test/${image}`, credential, { endpoints: endpointsFor(registry), tokenCache: new TokenCache() });

  it('pulls a private image with the right credentials, asking for a token scoped to the repository', async () => {
    const before = registry.tokenRequests.length;
    const result = await check('davidpuziol/nginx:v1', alice);
    expect(result).toMatchObject({ ok: true, digest: registry.digestOf('davidpuziol/nginx', 'v1'), reference: 'v1' });
    expect(registry.tokenRequests.slice(before)).toEqual([
      { service: registry.service, scope: 'repository:davidpuziol/nginx:pull', account: 'alice', basicUser: 'alice' },
    ]);
  });

  it('pulls a public image anonymously with an anonymous token', async () => {
    const before = registry.tokenRequests.length;
    const result = await check('library/nginx:1.25', null);
    expect(result).toMatchObject({ ok: true, digest: registry.digestOf('library/nginx', '1.25') });
    expect(registry.tokenRequests.slice(before)).toEqual([
      { service: registry.service, scope: 'repository:library/nginx:pull', account: null, basicUser: null },
    ]);
  });

  it('asks for library/ when a Docker Hub image is written by its short name', async () => {
    const before = registry.tokenRequests.length;
    const result = await checkImageAccess('nginx', null, {
      endpoints: { hosts: { 'docker.io': { endpoint: registry.url } } },
      tokenCache: new TokenCache(),
    });
    expect(result).toMatchObject({ ok: true, registry: 'docker.io', repository: 'library/nginx', reference: 'latest' });
    expect(registry.tokenRequests.slice(before).map((request) => request.scope)).toEqual(['repository:library/nginx:pull']);
  });

  it.each([
    { name: 'private image without credentials', image: 'davidpuziol/nginx:v1', credential: null, cause: 'unauthorized', status: 401, code: 'UNAUTHORIZED' },
    { name: 'wrong password', image: 'davidpuziol/nginx:v1', credential: { username: 'alice', password: 'wrong-password' }, cause: 'unauthorized', status: 401, code: null },
    { name: 'unknown tag', image: 'davidpuziol/nginx:v9', credential: alice, cause: 'not-found', status: 404, code: 'MANIFEST_UNKNOWN' },
    { name: 'unknown repository (looks private, as on Docker Hub)', image: 'nobody/nothing:1', credential: alice, cause: 'unauthorized', status: 401, code: 'UNAUTHORIZED' },
  ])('$name → $cause', async ({ image, credential, cause, status, code }) => {
    const result = await check(image, credential);
    expect(result).toMatchObject({ ok: false, cause, status, registryCode: code });
    expect(JSON.stringify(result)).not.toMatch(/secret-password|wrong-password/);
  });

  it("keeps the token service's own words when it rejects the password", async () => {
    const result = await check('davidpuziol/nginx:v1', { username: 'alice', password: 'wrong-password' });
    expect(result).toMatchObject({ ok: false, registryMessage: 'incorrect username or password' });
    expect(result.ok || result.message).toContain('rejected the credentials of alice');
  });

  it('follows Link pagination with n=1 through every page', async () => {
    const result = await listTags('registry.pullfix.test/davidpuziol/nginx', alice, {
      endpoints: endpointsFor(registry),
      tokenCache: new TokenCache(),
      limit: 1,
    });
    expect(result).toEqual({ ok: true, registry: 'registry.pullfix.test', repository: 'davidpuziol/nginx', tags: ['latest', 'v1', 'v2', 'v3'], complete: true });
  });

  it('stops at the page budget', async () => {
    const result = await listTags('registry.pullfix.test/davidpuziol/nginx', alice, {
      endpoints: endpointsFor(registry),
      tokenCache: new TokenCache(),
      limit: 3,
      pages: 1,
    });
    expect(result).toMatchObject({ ok: true, tags: ['latest', 'v1', 'v2'], complete: false });
  });
});

describe('token caching', () => {
  let registry: TokenRegistry;
  beforeAll(async () => {
    registry = await startTokenRegistry({ tokenField: 'token', expiresIn: 300, users: [alice, { username: 'bob', password: 'bob-password' }], repositories });
  });
  afterAll(() => registry.close());

  it('reuses a token for the same endpoint, scope and credential, and asks again for another credential', async () => {
    const options = { endpoints: endpointsFor(registry), tokenCache: new TokenCache() };
    const before = registry.tokenRequests.length;
    await checkImageAccess('registry.pullfix.test/davidpuziol/nginx:v1', alice, options);
    await checkImageAccess('registry.pullfix.test/davidpuziol/nginx:v2', alice, options);
    expect(registry.tokenRequests.length - before).toBe(1);
    await checkImageAccess('registry.pullfix.test/davidpuziol/nginx:v1', { username: 'bob', password: 'bob-password' }, options);
    await checkImageAccess('registry.pullfix.test/library/nginx:1.25', alice, options);
    expect(registry.tokenRequests.length - before).toBe(3);
  });

  it('asks for a fresh token when the cached one is refused', async () => {
    const options = { endpoints: endpointsFor(registry), tokenCache: new TokenCache() };
    await checkImageAccess('registry.pullfix.test/davidpuziol/nginx:v1', alice, options);
    registry.revokeTokens();
    const before = registry.tokenRequests.length;
    const result = await checkImageAccess('registry.pullfix.test/davidpuziol/nginx:v1', alice, options);
    expect(result).toMatchObject({ ok: true });
    expect(registry.tokenRequests.length - before).toBe(1);
  });

  it('forgets a token when it expires, with a margin before expires_in', () => {
    let now = 1_000_000;
    const cache = new TokenCache(() => now);
    cache.set('key', 'token-a', 60);
    now += 54_000;
    expect(cache.get('key')).toBe('token-a');
    now += 1_001;
    expect(cache.get('key')).toBeNull();
  });
});

describe.each([
  { failure: 'rate-limit', cause: 'rate-limit', status: 429, code: 'TOOMANYREQUESTS' },
  { failure: 'unavailable', cause: 'registry-unavailable', status: 503, code: 'UNAVAILABLE' },
] as const)('a registry that answers $status', ({ failure, cause, status, code }) => {
  let registry: TokenRegistry;
  beforeAll(async () => {
    registry = await startTokenRegistry({ tokenField: 'token', expiresIn: 300, users: [alice], repositories, failure });
  });
  afterAll(() => registry.close());

  it(`maps to ${cause} and keeps the registry's code`, async () => {
    const result = await checkImageAccess('registry.pullfix.test/library/nginx:latest', null, {
      endpoints: endpointsFor(registry),
      tokenCache: new TokenCache(),
    });
    expect(result).toMatchObject({ ok: false, cause, status, registryCode: code });
  });
});
