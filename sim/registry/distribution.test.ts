import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioRegistry } from '../contracts';
import { RATE_LIMIT_MESSAGE } from './distribution';
import { startRegistries, type SimRegistryFleet } from './index';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

const PAGED_TAGS = Array.from({ length: 23 }, (_, index) => `1.${index}`);

const REGISTRIES: ScenarioRegistry[] = [
  {
    host: 'docker.io',
    auth: 'token',
    users: [
      { username: 'david', password: 's3cret' },
      { username: 'eve', password: 'evepass' },
    ],
    repositories: [
      { name: 'library/nginx', public: true, tags: { latest: { platforms: ['linux/amd64', 'linux/arm64/v8'] }, '1.27-alpine': { platforms: ['linux/amd64'] } } },
      { name: 'davidpuziol/nginx', public: false, pullers: ['david'], tags: { latest: { platforms: ['linux/amd64'] } } },
      { name: 'library/paged', public: true, tags: Object.fromEntries(PAGED_TAGS.map((tag) => [tag, { platforms: ['linux/amd64'] }])) },
    ],
  },
  {
    host: 'limited.example',
    auth: 'token',
    users: [{ username: 'david', password: 's3cret' }],
    repositories: [{ name: 'library/nginx', public: true, tags: { latest: { platforms: ['linux/amd64', 'linux/arm64'] } } }],
    rateLimit: { pullsPerMinute: 2 },
  },
  {
    host: 'limited-all.example',
    auth: 'token',
    users: [{ username: 'david', password: 's3cret' }],
    repositories: [{ name: 'library/nginx', public: true, tags: { latest: { platforms: ['linux/amd64'] } } }],
    rateLimit: { pullsPerMinute: 1, everyone: true },
  },
  {
    host: 'registry.example.com:5000',
    auth: 'basic',
    users: [
      { username: 'alice', password: 'wonder' },
      { username: 'bob', password: 'builder' },
    ],
    repositories: [
      { name: 'team/app', public: false, pullers: ['alice'], tags: { '1.0': { platforms: ['linux/amd64'] } } },
      { name: 'team/public', public: true, tags: { '1.0': { platforms: ['linux/amd64'] } } },
    ],
  },
  {
    host: 'open.example',
    auth: 'none',
    users: [],
    repositories: [{ name: 'tools/busybox', public: true, tags: { '1.36': { platforms: ['linux/amd64'] } } }],
  },
  { host: 'ghcr.nope.example', auth: 'token', users: [], repositories: [], failure: 'dns' },
  { host: 'broken-tls.example:8443', auth: 'none', users: [], repositories: [], failure: 'tls' },
  { host: 'down.example', auth: 'none', users: [], repositories: [], failure: 'unavailable' },
];

let fleet: SimRegistryFleet;
const base = (host: string) => fleet.endpoints().hosts[host]?.endpoint ?? '';

beforeAll(async () => {
  fleet = await startRegistries(REGISTRIES);
});

afterAll(async () => {
  await fleet.close();
});

describe('the /v2/ ping', () => {
  it.each([
    { host: 'docker.io', status: 401, challenge: (url: string) => `Bearer realm="${url}/token",service="docker.io"` },
    { host: 'registry.example.com:5000', status: 401, challenge: () => 'Basic realm="registry.example.com:5000"' },
    { host: 'open.example', status: 200, challenge: () => null },
  ])('$host answers $status', async ({ host, status, challenge }) => {
    const response = await fetch(`${base(host)}/v2/`);
    expect(response.status).toBe(status);
    expect(response.headers.get('www-authenticate')).toBe(challenge(base(host)));
    expect(response.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it('accepts a valid token or basic credentials', async () => {
    const token = await fetchToken('docker.io', 'library/nginx');
    expect((await fetch(`${base('docker.io')}/v2/`, bearer(token))).status).toBe(200);
    expect((await fetch(`${base('registry.example.com:5000')}/v2/`, basic('bob', 'builder'))).status).toBe(200);
    expect((await fetch(`${base('registry.example.com:5000')}/v2/`, basic('bob', 'wrong'))).status).toBe(401);
  });
});

describe('the token-auth pull flow', () => {
  it('follows the challenge to an anonymous token and fetches a verified image for linux/amd64', async () => {
    const ping = await fetch(`${base('docker.io')}/v2/`);
    const realm = /realm="([^"]+)"/.exec(ping.headers.get('www-authenticate') ?? '')?.[1];
    expect(realm).toBe(`${base('docker.io')}/token`);

    const tokenResponse = await fetch(`${realm}?service=docker.io&scope=repository:library/nginx:pull`);
    expect(tokenResponse.status).toBe(200);
    const tokenBody = (await tokenResponse.json()) as Record<string, unknown>;
    expect(tokenBody).toMatchObject({ expires_in: 300 });
    expect(tokenBody.token).toBe(tokenBody.access_token);
    expect(Number.isNaN(Date.parse(String(tokenBody.issued_at)))).toBe(false);
    const auth = bearer(String(tokenBody.token), { Accept: `${OCI_INDEX}, ${OCI_MANIFEST}` });

    const indexResponse = await fetch(`${base('docker.io')}/v2/library/nginx/manifests/latest`, auth);
    expect(indexResponse.status).toBe(200);
    expect(indexResponse.headers.get('content-type')).toBe(OCI_INDEX);
    const indexBytes = Buffer.from(await indexResponse.arrayBuffer());
    expect(indexResponse.headers.get('docker-content-digest')).toBe(sha256(indexBytes));
    const index = JSON.parse(indexBytes.toString()) as { manifests: { digest: string; size: number; mediaType: string; platform: object }[] };
    expect(index.manifests.map((entry) => entry.platform)).toEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);

    const amd64 = index.manifests[0]!;
    const manifestResponse = await fetch(`${base('docker.io')}/v2/library/nginx/manifests/${amd64.digest}`, auth);
    const manifestBytes = Buffer.from(await manifestResponse.arrayBuffer());
    expect(manifestResponse.headers.get('content-type')).toBe(amd64.mediaType);
    expect(sha256(manifestBytes)).toBe(amd64.digest);
    expect(manifestBytes.length).toBe(amd64.size);
    const manifest = JSON.parse(manifestBytes.toString()) as { config: { digest: string; size: number }; layers: { digest: string; size: number }[] };

    const configBytes = await fetchBlob('library/nginx', manifest.config.digest, auth);
    expect(configBytes.length).toBe(manifest.config.size);
    const config = JSON.parse(configBytes.toString()) as { architecture: string; os: string; rootfs: { diff_ids: string[] } };
    expect(config).toMatchObject({ architecture: 'amd64', os: 'linux' });

    const layer = manifest.layers[0]!;
    const layerBytes = await fetchBlob('library/nginx', layer.digest, auth);
    expect(layerBytes.length).toBe(layer.size);
    const tar = gunzipSync(layerBytes);
    expect(sha256(tar)).toBe(config.rootfs.diff_ids[0]);
    expect(tar.subarray(0, 100).toString('ascii').replace(/\0+$/, '')).toBe('etc/pullfix-image');
    expect(tar.subarray(257, 262).toString('ascii')).toBe('ustar');
  });

  it('answers HEAD with the digest and length and no body', async () => {
    const auth = bearer(await fetchToken('docker.io', 'library/nginx'), { Accept: OCI_INDEX });
    const get = await fetch(`${base('docker.io')}/v2/library/nginx/manifests/latest`, auth);
    const getBytes = Buffer.from(await get.arrayBuffer());
    const head = await fetch(`${base('docker.io')}/v2/library/nginx/manifests/latest`, { ...auth, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toBe(sha256(getBytes));
    expect(head.headers.get('content-length')).toBe(String(getBytes.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it.each([
    { accept: `${OCI_INDEX}, ${DOCKER_LIST}, ${DOCKER_MANIFEST}`, served: OCI_INDEX },
    { accept: `${DOCKER_LIST}, ${DOCKER_MANIFEST}`, served: DOCKER_LIST },
    { accept: DOCKER_MANIFEST, served: DOCKER_MANIFEST },
    { accept: OCI_MANIFEST, served: OCI_MANIFEST },
  ])('serves $served for Accept: $accept', async ({ accept, served }) => {
    const auth = bearer(await fetchToken('docker.io', 'library/nginx'), { Accept: accept });
    const response = await fetch(`${base('docker.io')}/v2/library/nginx/manifests/latest`, auth);
    const body = Buffer.from(await response.arrayBuffer());
    expect(response.headers.get('content-type')).toBe(served);
    expect((JSON.parse(body.toString()) as { mediaType: string }).mediaType).toBe(served);
    expect(response.headers.get('docker-content-digest')).toBe(sha256(body));
  });
});

describe('token scopes and access', () => {
  it('a token for one repository does not open another', async () => {
    const token = await fetchToken('docker.io', 'library/nginx', ['david', 's3cret']);
    const response = await fetch(`${base('docker.io')}/v2/davidpuziol/nginx/manifests/latest`, bearer(token));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="${base('docker.io')}/token",service="docker.io",scope="repository:davidpuziol/nginx:pull",error="insufficient_scope"`,
    );
  });

  it.each([
    { case: 'anonymous on a private repository', repository: 'davidpuziol/nginx', user: null },
    { case: 'anonymous on a missing repository', repository: 'library/agentx', user: null },
    { case: 'a user who is not a puller', repository: 'davidpuziol/nginx', user: ['eve', 'evepass'] as const },
    { case: 'a user on a missing repository', repository: 'david/missing', user: ['david', 's3cret'] as const },
  ])('$case gets a token without the scope, then 401 insufficient_scope', async ({ repository, user }) => {
    const token = await fetchToken('docker.io', repository, user);
    const response = await fetch(`${base('docker.io')}/v2/${repository}/manifests/latest`, bearer(token));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(await response.json()).toEqual({
      errors: [
        { code: 'UNAUTHORIZED', message: 'authentication required', detail: [{ Type: 'repository', Class: '', Name: repository, Action: 'pull' }] },
      ],
    });
  });

  it('a puller of a private repository gets in', async () => {
    const token = await fetchToken('docker.io', 'davidpuziol/nginx', ['david', 's3cret']);
    const response = await fetch(`${base('docker.io')}/v2/davidpuziol/nginx/manifests/latest`, bearer(token, { Accept: OCI_INDEX }));
    expect(response.status).toBe(200);
  });

  it('a wrong password at the token endpoint is a 401 with Docker Hub body', async () => {
    const response = await fetch(
      `${base('docker.io')}/token?service=docker.io&scope=repository:davidpuziol/nginx:pull`,
      basic('david', 'wrong'),
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ details: 'incorrect username or password' });
  });

  it('grants pull only, never push', async () => {
    const response = await fetch(`${base('docker.io')}/token?service=docker.io&scope=repository:library/nginx:push`);
    const { token } = (await response.json()) as { token: string };
    expect((await fetch(`${base('docker.io')}/v2/library/nginx/manifests/latest`, bearer(token))).status).toBe(401);
  });

  it('an unknown token is invalid_token', async () => {
    const response = await fetch(`${base('docker.io')}/v2/library/nginx/manifests/latest`, bearer('forged'));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});

describe('basic auth and open registries', () => {
  const host = 'registry.example.com:5000';
  it.each([
    { case: 'a puller', path: 'team/app/manifests/1.0', auth: basic('alice', 'wonder'), status: 200, code: null },
    { case: 'anonymous on a private repository', path: 'team/app/manifests/1.0', auth: {}, status: 401, code: 'UNAUTHORIZED' },
    { case: 'a wrong password', path: 'team/app/manifests/1.0', auth: basic('alice', 'nope'), status: 401, code: 'UNAUTHORIZED' },
    { case: 'a user who is not a puller', path: 'team/app/manifests/1.0', auth: basic('bob', 'builder'), status: 403, code: 'DENIED' },
    { case: 'anonymous on a public repository', path: 'team/public/manifests/1.0', auth: {}, status: 200, code: null },
    { case: 'a missing tag', path: 'team/app/manifests/2.0', auth: basic('alice', 'wonder'), status: 404, code: 'MANIFEST_UNKNOWN' },
    { case: 'a missing repository', path: 'team/nothing/manifests/1.0', auth: basic('alice', 'wonder'), status: 404, code: 'NAME_UNKNOWN' },
    { case: 'a missing blob', path: `team/app/blobs/sha256:${'0'.repeat(64)}`, auth: basic('alice', 'wonder'), status: 404, code: 'BLOB_UNKNOWN' },
  ])('$case → $status', async ({ path, auth, status, code }) => {
    const response = await fetch(`${base(host)}/v2/${path}`, auth);
    expect(response.status).toBe(status);
    const body = (await response.json()) as { errors?: { code: string }[] };
    expect(body.errors?.[0]?.code ?? null).toBe(code);
    if (status === 401) expect(response.headers.get('www-authenticate')).toBe(`Basic realm="${host}"`);
  });

  it('an open registry serves without credentials and says NAME_UNKNOWN for missing repositories', async () => {
    expect((await fetch(`${base('open.example')}/v2/tools/busybox/manifests/1.36`)).status).toBe(200);
    const missing = await fetch(`${base('open.example')}/v2/tools/nothing/manifests/1.36`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] });
  });
});

describe('the pull rate limit', () => {
  it('answers 429 TOOMANYREQUESTS to anonymous manifest GETs beyond the limit, never to HEAD', async () => {
    const host = 'limited.example';
    const url = `${base(host)}/v2/library/nginx/manifests/latest`;
    const auth = bearer(await fetchToken(host, 'library/nginx'), { Accept: OCI_INDEX });
    const remaining: (string | null)[] = [];
    for (let pull = 0; pull < 2; pull++) {
      const response = await fetch(url, auth);
      expect(response.status).toBe(200);
      remaining.push(response.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['1;w=60', '0;w=60']);

    const limited = await fetch(url, auth);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('ratelimit-limit')).toBe('2;w=60');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0;w=60');
    expect(await limited.json()).toEqual({ errors: [{ code: 'TOOMANYREQUESTS', message: RATE_LIMIT_MESSAGE }] });
    expect((await fetch(url, { ...auth, method: 'HEAD' })).status).toBe(200);

    const signedIn = bearer(await fetchToken(host, 'library/nginx', ['david', 's3cret']), { Accept: OCI_INDEX });
    expect((await fetch(url, signedIn)).status).toBe(200);
  });

  it('limits signed-in users too when the limit is for everyone', async () => {
    const host = 'limited-all.example';
    const auth = bearer(await fetchToken(host, 'library/nginx', ['david', 's3cret']), { Accept: OCI_INDEX });
    const url = `${base(host)}/v2/library/nginx/manifests/latest`;
    expect((await fetch(url, auth)).status).toBe(200);
    expect((await fetch(url, auth)).status).toBe(429);
  });
});

describe('tags/list', () => {
  const url = (query: string) => `${base('docker.io')}/v2/library/paged/tags/list${query}`;

  it('pages with n and last and a Link to the next page', async () => {
    const auth = bearer(await fetchToken('docker.io', 'library/paged'));
    const first = await fetch(url('?n=5'), auth);
    const sorted = [...PAGED_TAGS].sort();
    expect(await first.json()).toEqual({ name: 'library/paged', tags: sorted.slice(0, 5) });
    expect(first.headers.get('link')).toBe(`</v2/library/paged/tags/list?last=${sorted[4]}&n=5>; rel="next"`);
    const all = await fetch(url(''), auth);
    expect(((await all.json()) as { tags: string[] }).tags).toEqual(sorted);
    expect(all.headers.get('link')).toBeNull();
  });

  it('walking the Link headers returns every tag once, in order, for any page size', async () => {
    const auth = bearer(await fetchToken('docker.io', 'library/paged'));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: PAGED_TAGS.length + 2 }), async (pageSize) => {
        const seen: string[] = [];
        let next: string | null = `/v2/library/paged/tags/list?n=${pageSize}`;
        while (next) {
          const response: Response = await fetch(`${base('docker.io')}${next}`, auth);
          const page = ((await response.json()) as { tags: string[] }).tags;
          expect(page.length).toBeLessThanOrEqual(pageSize);
          seen.push(...page);
          next = /^<([^>]+)>; rel="next"$/.exec(response.headers.get('link') ?? '')?.[1] ?? null;
        }
        expect(seen).toEqual([...PAGED_TAGS].sort());
      }),
      { numRuns: 15 },
    );
  });

  it('needs the pull scope like the manifests do', async () => {
    const response = await fetch(`${base('docker.io')}/v2/davidpuziol/nginx/tags/list`, bearer(await fetchToken('docker.io', 'davidpuziol/nginx')));
    expect(response.status).toBe(401);
  });
});

describe('endpoints for the app', () => {
  it('maps every host to where it is served, unresolvable names under .invalid', () => {
    const { hosts } = fleet.endpoints();
    expect(Object.keys(hosts).sort()).toEqual(REGISTRIES.map((registry) => registry.host).sort());
    expect(hosts['docker.io']?.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(hosts['ghcr.nope.example']?.endpoint).toBe('https://ghcr-nope-example.invalid');
    expect(hosts['broken-tls.example:8443']?.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('the TLS failure host presents a certificate no default trust store accepts', async () => {
    const failure = await fetch(`${base('broken-tls.example:8443')}/v2/`).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error & { cause?: { code?: string } }).cause?.code)).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/);
  });

  it('the unavailable host answers 503', async () => {
    expect((await fetch(`${base('down.example')}/v2/`)).status).toBe(503);
  });
});

async function fetchToken(host: string, repository: string, user: readonly [string, string] | null = null): Promise<string> {
  const response = await fetch(
    `${base(host)}/token?service=${encodeURIComponent(host)}&scope=${encodeURIComponent(`repository:${repository}:pull`)}`,
    user ? basic(user[0], user[1]) : {},
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

async function fetchBlob(repository: string, digest: string, init: RequestInit): Promise<Buffer> {
  const response = await fetch(`${base('docker.io')}/v2/${repository}/blobs/${digest}`, init);
  expect(response.status).toBe(200);
  const bytes = Buffer.from(await response.arrayBuffer());
  expect(sha256(bytes)).toBe(digest);
  expect(response.headers.get('docker-content-digest')).toBe(digest);
  return bytes;
}

function bearer(token: string, headers: Record<string, string> = {}): RequestInit {
  return { headers: { ...headers, Authorization: `Bearer ${token}` } };
}

function basic(username: string, password: string): RequestInit {
  return { headers: { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } };
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
