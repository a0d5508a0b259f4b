import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDistribution, type RunningDistribution } from '../../test/registry/distribution';
import { checkImageAccess, fetchManifestPlatforms, listTags, TokenCache } from './client';

let registry: RunningDistribution;

beforeAll(async () => {
  registry = await startDistribution();
});

afterAll(async () => {
  await registry?.stop();
});

describe('checkImageAccess against Distribution (htpasswd, TLS)', () => {
  const login = () => ({ username: registry.username, password: registry.password });
  const options = () => ({ endpoints: registry.endpoints(), tokenCache: new TokenCache() });

  it('reports the pushed digest with the right credentials', async () => {
    const result = await checkImageAccess(`${registry.host}/pullfix/app:1.0`, login(), options());
    expect(result).toEqual({
      ok: true,
      digest: registry.app.digest,
      mediaType: registry.app.mediaType,
      platforms: null,
      registry: registry.host,
      repository: 'pullfix/app',
      reference: '1.0',
    });
  });

  it('checks by digest', async () => {
    const result = await checkImageAccess(`${registry.host}/pullfix/app@${registry.app.digest}`, login(), options());
    expect(result).toMatchObject({ ok: true, digest: registry.app.digest, reference: registry.app.digest });
  });

  it('reaches the registry through a host mapped to its endpoint', async () => {
    const result = await checkImageAccess('registry.pullfix.test/pullfix/app:2.0', login(), {
      ...options(),
      endpoints: registry.endpoints('registry.pullfix.test'),
    });
    expect(result).toMatchObject({ ok: true, digest: registry.app.digest, registry: 'registry.pullfix.test' });
  });

  it("lists an OCI index's platforms, leaving out attestations", async () => {
    const result = await checkImageAccess(`${registry.host}/pullfix/multi:latest`, login(), options());
    expect(result).toMatchObject({ ok: true, digest: registry.multi.digest, mediaType: registry.multi.mediaType });
    expect(result.ok && result.platforms).toEqual(registry.multi.platforms);
  });

  it.each([
    ['an index', 'multi'],
    ['a single image, from its config', 'app'],
  ] as const)('fetchManifestPlatforms reads %s', async (_, name) => {
    const pushed = registry[name];
    const result = await fetchManifestPlatforms(`${registry.host}/${pushed.repository}:${pushed.tags[0]}`, login(), options());
    expect(result).toMatchObject({ ok: true, digest: pushed.digest, platforms: pushed.platforms });
  });

  it.each([
    { name: 'wrong password', image: 'pullfix/app:1.0', credential: 'wrong', cause: 'unauthorized', status: 401, code: 'UNAUTHORIZED' },
    { name: 'no credentials', image: 'pullfix/app:1.0', credential: null, cause: 'unauthorized', status: 401, code: 'UNAUTHORIZED' },
    { name: 'unknown tag', image: 'pullfix/app:9.9', credential: 'right', cause: 'not-found', status: 404, code: 'MANIFEST_UNKNOWN' },
    // Distribution 2.8 answers a manifest in a repository it never saw with MANIFEST_UNKNOWN, not NAME_UNKNOWN.
    { name: 'unknown repository', image: 'pullfix/nothing:1.0', credential: 'right', cause: 'not-found', status: 404, code: 'MANIFEST_UNKNOWN' },
  ] as const)('$name → $cause with the registry code $code', async ({ image, credential, cause, status, code }) => {
    const given = credential === null ? null : { username: registry.username, password: credential === 'right' ? registry.password : 'not-the-password' };
    const result = await checkImageAccess(`${registry.host}/${image}`, given, options());
    expect(result).toMatchObject({ ok: false, cause, status, registryCode: code });
    expect(result.ok || result.registryMessage).toBeTruthy();
    expect(JSON.stringify(result)).not.toContain(registry.password);
  });

  it('fails with tls when the CA is not configured', async () => {
    const result = await checkImageAccess(`${registry.host}/pullfix/app:1.0`, login(), { endpoints: { hosts: {} } });
    expect(result).toMatchObject({ ok: false, cause: 'tls', status: null, registryCode: null });
    expect(result.ok || result.message).toMatch(/caFile/);
  });

  // Distribution 2.8 ignores n and last and sends no Link (pagination came with v3): one page holds every tag.
  // Link pagination itself is exercised against the token registry in client.token.test.ts.
  it('lists every tag when the registry ignores n', async () => {
    const result = await listTags(`${registry.host}/pullfix/app`, login(), { ...options(), limit: 1 });
    expect(result).toMatchObject({ ok: true, registry: registry.host, repository: 'pullfix/app', complete: true });
    expect(result.ok && [...result.tags].sort()).toEqual(registry.app.tags);
  });

  it('reports an unknown repository when listing its tags', async () => {
    const result = await listTags(`${registry.host}/pullfix/nothing`, login(), options());
    expect(result).toMatchObject({ ok: false, cause: 'not-found', status: 404, registryCode: 'NAME_UNKNOWN' });
    expect(result.ok || result.message).toContain('pullfix/nothing does not exist');
  });

  it('refuses to list tags without credentials', async () => {
    const result = await listTags(`${registry.host}/pullfix/app`, null, options());
    expect(result).toMatchObject({ ok: false, cause: 'unauthorized', status: 401 });
  });
});
