import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pullErrors from '../../test/fixtures/pull-errors.json';
import type { PullCredential, ScenarioRegistry } from '../contracts';
import { RATE_LIMIT_MESSAGE } from './distribution';
import { createPuller, startRegistries, type SimRegistryFleet } from './index';

const AMD64 = 'linux/amd64';
const DAVID: PullCredential = { username: 'david', password: 's3cret' };
const DAVID_WRONG: PullCredential = { username: 'david', password: 'wrong' };
const EVE: PullCredential = { username: 'eve', password: 'evepass' };

/**
 * containerd's messages from the upstream vectors, reproduced end to end: each case names the scenario
 * registry that makes a node produce it; the image comes from the vector's own message.
 */
describe('containerd failures from the upstream vectors', () => {
  const setups: Record<string, { registry: ScenarioRegistry; credentials: PullCredential[] }> = {
    'repository does not exist or auth denied (registry returns 401 with a Bearer challenge error, e.g. insufficient_scope)': {
      registry: { host: 'docker.io', auth: 'token', users: [], repositories: [] },
      credentials: [],
    },
    'no credentials for a private registry requiring basic auth': {
      registry: {
        host: 'registry.example.com',
        auth: 'basic',
        users: [{ username: 'alice', password: 'wonder' }],
        repositories: [{ name: 'team/app', public: false, pullers: ['alice'], tags: { '1.0': { platforms: [AMD64] } } }],
      },
      credentials: [],
    },
    '403 Forbidden on manifest HEAD': {
      registry: {
        host: 'registry.example.com',
        auth: 'basic',
        users: [{ username: 'bob', password: 'builder' }],
        repositories: [{ name: 'team/app', public: false, pullers: ['alice'], tags: { '1.0': { platforms: [AMD64] } } }],
      },
      credentials: [{ username: 'bob', password: 'builder' }],
    },
    'tag (manifest) not found': {
      registry: { host: 'docker.io', auth: 'token', users: [], repositories: [{ name: 'library/nginx', public: true, tags: { latest: { platforms: [AMD64] } } }] },
      credentials: [],
    },
    'registry host name does not resolve': {
      registry: { host: 'registry.example.com', auth: 'token', users: [], repositories: [], failure: 'dns' },
      credentials: [],
    },
    'registry TLS certificate not trusted': {
      registry: { host: 'registry.example.com', auth: 'token', users: [], repositories: [], failure: 'tls' },
      credentials: [],
    },
    "no manifest for the node's OS/architecture in the image index": {
      registry: { host: 'docker.io', auth: 'token', users: [], repositories: [{ name: 'example/app', public: true, tags: { '1.0': { platforms: ['linux/arm64/v8', 'windows/amd64'] } } }] },
      credentials: [],
    },
  };
  const reproducible = pullErrors.runtimeErrors.filter(
    (vector) => setups[vector.cause] && (vector.runtime.startsWith('containerd') || vector.runtime === 'any Go-based runtime'),
  );

  it('covers every reproducible containerd case', () => {
    expect(reproducible.map((vector) => vector.cause).sort()).toEqual(Object.keys(setups).sort());
  });

  it.each(reproducible.map((vector) => [vector.cause, vector] as const))('%s', async (cause, vector) => {
    const setup = setups[cause]!;
    const image = /^failed to pull and unpack image "([^"]+)"/.exec(vector.example_message)?.[1] ?? 'registry.example.com/team/app:1.0';
    const fleet = await startRegistries([setup.registry]);
    try {
      const outcome = await createPuller(fleet)(image, setup.credentials, AMD64);
      expect(outcome.ok).toBe(false);
      if (outcome.ok) return;
      expect(outcome.reason).toBe(vector.kubeletReason);
      // One vector quotes only containerd's innermost words; the others quote the whole message.
      if (vector.example_message.startsWith('failed to pull')) expect(outcome.message).toBe(vector.example_message);
      else expect(outcome.message).toBe(`failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${vector.example_message}`);
    } finally {
      await fleet.close();
    }
  });
});

describe('pulls against the simulated registries', () => {
  const REGISTRIES: ScenarioRegistry[] = [
    {
      host: 'docker.io',
      auth: 'token',
      users: [DAVID, EVE],
      repositories: [
        { name: 'library/nginx', public: true, tags: { latest: { platforms: [AMD64, 'linux/arm64/v8'] }, '1.27-alpine': { platforms: [AMD64] } } },
        { name: 'davidpuziol/nginx', public: false, pullers: ['david'], tags: { latest: { platforms: [AMD64] } } },
        { name: 'library/i386-only', public: true, tags: { latest: { platforms: ['linux/386'] } } },
      ],
    },
    {
      host: 'registry.example.com:5000',
      auth: 'basic',
      users: [{ username: 'alice', password: 'wonder' }],
      repositories: [{ name: 'team/app', public: false, pullers: ['alice'], tags: { '1.0': { platforms: [AMD64] } } }],
    },
    { host: 'localhost:5000', auth: 'none', users: [], repositories: [{ name: 'tools/busybox', public: true, tags: { '1.36': { platforms: [AMD64] } } }] },
    { host: 'refused.example', auth: 'none', users: [], repositories: [], failure: 'refused' },
    { host: 'blackhole.example', auth: 'none', users: [], repositories: [], failure: 'timeout' },
    { host: 'down.example', auth: 'none', users: [], repositories: [], failure: 'unavailable' },
  ];
  const TIMEOUT_MS = 300;
  let fleet: SimRegistryFleet;
  let pull: ReturnType<typeof createPuller>;
  const tokenUrl = (repository: string) =>
    `${fleet.endpoints().hosts['docker.io']?.endpoint}/token?scope=${encodeURIComponent(`repository:${repository}:pull`)}&service=docker.io`;
  const failed = (image: string, cause: string) => `failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${cause}`;

  beforeAll(async () => {
    fleet = await startRegistries(REGISTRIES);
    pull = createPuller(fleet, { requestTimeoutMs: TIMEOUT_MS });
  });

  afterAll(async () => {
    await fleet.close();
  });

  it.each([
    { image: 'nginx', credentials: [], resolved: 'docker.io/library/nginx' },
    { image: 'docker.io/library/nginx:1.27-alpine', credentials: [], resolved: 'docker.io/library/nginx' },
    { image: 'davidpuziol/nginx', credentials: [DAVID], resolved: 'docker.io/davidpuziol/nginx' },
    { image: 'index.docker.io/davidpuziol/nginx:latest', credentials: [DAVID], resolved: 'docker.io/davidpuziol/nginx' },
    { image: 'library/i386-only', credentials: [], resolved: 'docker.io/library/i386-only' },
    { image: 'registry.example.com:5000/team/app:1.0', credentials: [{ username: 'alice', password: 'wonder' }], resolved: 'registry.example.com:5000/team/app' },
    { image: 'localhost:5000/tools/busybox:1.36', credentials: [], resolved: 'localhost:5000/tools/busybox' },
  ])('pulls $image', async ({ image, credentials, resolved }) => {
    const outcome = await pull(image, credentials, AMD64);
    expect(outcome).toMatchObject({ ok: true, resolved: expect.stringMatching(new RegExp(`^${resolved}@sha256:[a-f0-9]{64}$`)) });
    if (outcome.ok) {
      expect(outcome.resolved).toBe(`${resolved}@${outcome.digest}`);
      expect(outcome.size).toBeGreaterThan(0);
    }
  });

  it('pulls by the digest it resolved, and says not found for a digest nobody has', async () => {
    const first = await pull('nginx', [], AMD64);
    if (!first.ok) throw new Error(first.message);
    const byDigest = await pull(`nginx@${first.digest}`, [], 'linux/arm64');
    expect(byDigest).toMatchObject({ ok: true, digest: first.digest });
    const unknown = `docker.io/library/nginx@sha256:${'a'.repeat(64)}`;
    expect(await pull(unknown, [], AMD64)).toEqual({ ok: false, reason: 'ErrImagePull', message: failed(unknown, `${unknown}: not found`) });
  });

  it.each([
    {
      case: 'a wrong password at a token registry',
      image: 'davidpuziol/nginx',
      credentials: [DAVID_WRONG],
      message: () =>
        failed(
          'docker.io/davidpuziol/nginx:latest',
          `failed to authorize: failed to fetch oauth token: unexpected status from GET request to ${tokenUrl('davidpuziol/nginx')}: 401 Unauthorized`,
        ),
    },
    {
      case: 'a wrong password at a basic registry',
      image: 'registry.example.com:5000/team/app:1.0',
      credentials: [{ username: 'alice', password: 'nope' }],
      message: () =>
        failed(
          'registry.example.com:5000/team/app:1.0',
          'unexpected status from HEAD request to https://registry.example.com:5000/v2/team/app/manifests/1.0: 401 Unauthorized',
        ),
    },
    {
      case: 'a tag that does not exist',
      image: 'nginx:1.27-alpne',
      credentials: [],
      message: () => failed('docker.io/library/nginx:1.27-alpne', 'docker.io/library/nginx:1.27-alpne: not found'),
    },
    {
      case: 'a host the scenario does not know',
      image: 'quay.io/team/app:2',
      credentials: [],
      message: () =>
        failed(
          'quay.io/team/app:2',
          'failed to do request: Head "https://quay.io/v2/team/app/manifests/2": dial tcp: lookup quay.io on 10.96.0.10:53: no such host',
        ),
    },
    {
      case: 'a registry answering 503',
      image: 'down.example/team/app:1.0',
      credentials: [],
      message: () => failed('down.example/team/app:1.0', 'unexpected status from HEAD request to https://down.example/v2/team/app/manifests/1.0: 503 Service Unavailable'),
    },
    {
      case: 'an image index without the node platform',
      image: 'nginx',
      credentials: [],
      platform: 'linux/s390x',
      message: () => 'failed to pull and unpack image "docker.io/library/nginx:latest": no match for platform in manifest: not found',
    },
  ])('words $case as containerd does', async ({ image, credentials, platform, message }) => {
    expect(await pull(image, credentials, platform ?? AMD64)).toEqual({ ok: false, reason: 'ErrImagePull', message: message() });
  });

  it('words a closed port as a refused connection to the host, not to the loopback port', async () => {
    const outcome = await pull('refused.example/team/app:1.0', [], AMD64);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    const image = 'refused.example/team/app:1.0';
    const prefix = failed(image, 'failed to do request: Head "https://refused.example/v2/team/app/manifests/1.0": dial tcp ');
    expect(outcome.message.startsWith(prefix)).toBe(true);
    expect(outcome.message.slice(prefix.length)).toMatch(/^192\.0\.2\.\d+:443: connect: connection refused$/);
    expect(outcome.message).not.toContain('127.0.0.1');
  });

  it('gives up on a host that never answers after the bounded time', async () => {
    const started = Date.now();
    const outcome = await pull('blackhole.example/team/app:1.0', [], AMD64);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 10);
    expect(outcome).toEqual({
      ok: false,
      reason: 'ErrImagePull',
      message: failed(
        'blackhole.example/team/app:1.0',
        'failed to do request: Head "https://blackhole.example/v2/team/app/manifests/1.0": net/http: TLS handshake timeout',
      ),
    });
  });

  describe("the kubelet's credential loop", () => {
    const privateImage = 'docker.io/davidpuziol/nginx:latest';
    const denied = failed(
      privateImage,
      'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    );
    const rejected = () =>
      failed(
        privateImage,
        `failed to authorize: failed to fetch oauth token: unexpected status from GET request to ${tokenUrl('davidpuziol/nginx')}: 401 Unauthorized`,
      );

    it('stops at the first credential that works', async () => {
      expect(await pull(privateImage, [DAVID_WRONG, DAVID], AMD64)).toMatchObject({ ok: true });
      expect(await pull(privateImage, [EVE, DAVID], AMD64)).toMatchObject({ ok: true });
    });

    it('pulls anonymously once when there are no credentials', async () => {
      expect(await pull(privateImage, [], AMD64)).toEqual({ ok: false, reason: 'ErrImagePull', message: denied });
    });

    it('aggregates distinct failures in brackets, in credential order', async () => {
      expect(await pull(privateImage, [DAVID_WRONG, EVE], AMD64)).toEqual({
        ok: false,
        reason: 'ErrImagePull',
        message: `[${rejected()}, ${denied}]`,
      });
    });

    it('reports a failure repeated by every credential once, without brackets', async () => {
      expect(await pull(privateImage, [DAVID_WRONG, DAVID_WRONG], AMD64)).toEqual({ ok: false, reason: 'ErrImagePull', message: rejected() });
    });

    it('does not fall back to an anonymous pull after credentials fail, even for a public image', async () => {
      const outcome = await pull('nginx', [DAVID_WRONG], AMD64);
      expect(outcome).toMatchObject({ ok: false, message: expect.stringContaining('failed to fetch oauth token') });
    });
  });
});

describe("Docker Hub's rate limit through the runtime", () => {
  it('fails the manifest fetch with 429 and the registry message once anonymous pulls run out', async () => {
    const fleet = await startRegistries([
      {
        host: 'docker.io',
        auth: 'token',
        users: [DAVID],
        repositories: [{ name: 'library/nginx', public: true, tags: { latest: { platforms: [AMD64] } } }],
        rateLimit: { pullsPerMinute: 1 },
      },
    ]);
    try {
      const pull = createPuller(fleet);
      const first = await pull('nginx', [], AMD64);
      if (!first.ok) throw new Error(first.message);
      expect(await pull('nginx', [], AMD64)).toEqual({
        ok: false,
        reason: 'ErrImagePull',
        message:
          `failed to pull and unpack image "docker.io/library/nginx:latest": failed to copy: httpReadSeeker: failed open: ` +
          `unexpected status code https://registry-1.docker.io/v2/library/nginx/manifests/${first.digest}: 429 Too Many Requests - ` +
          `Server message: toomanyrequests: ${RATE_LIMIT_MESSAGE}`,
      });
      expect(await pull('nginx', [DAVID], AMD64)).toMatchObject({ ok: true, digest: first.digest });
    } finally {
      await fleet.close();
    }
  });
});
