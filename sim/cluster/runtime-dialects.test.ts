import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyPullFailure, type PullFailureCause } from '../../lib/diagnosis';
import type { PullCredential, ScenarioRegistry } from '../contracts';
import { createPuller, startRegistries, type SimRegistryFleet } from '../registry/index';
import { RUNTIME_DIALECTS, type RuntimeDialect } from './runtime-dialects';

/**
 * Every failure the simulated registries can produce, pulled through each runtime dialect: the words differ
 * (each dialect's own marks are checked), the cause pullfix reads from them does not.
 */
const AMD64 = 'linux/amd64';
const ALICE: PullCredential = { username: 'alice', password: 'wonder' };

const REGISTRIES: ScenarioRegistry[] = [
  {
    host: 'docker.io',
    auth: 'token',
    users: [{ username: 'david', password: 's3cret' }],
    repositories: [
      { name: 'library/nginx', public: true, tags: { latest: { platforms: [AMD64] } } },
      { name: 'davidpuziol/nginx', public: false, pullers: ['david'], tags: { latest: { platforms: [AMD64] } } },
      { name: 'pullfix/arm-only', public: true, tags: { '1.0': { platforms: ['linux/arm64/v8'] } } },
    ],
  },
  {
    host: 'registry.example.com:5000',
    auth: 'basic',
    users: [ALICE],
    repositories: [{ name: 'team/app', public: false, pullers: ['alice'], tags: { '1.0': { platforms: [AMD64] } } }],
  },
  { host: 'mirror.example.com', auth: 'none', users: [], repositories: [{ name: 'library/nginx', public: true, tags: { '1.27': { platforms: [AMD64] } } }], rateLimit: { pullsPerMinute: 0 } },
  { host: 'nowhere.example', auth: 'token', users: [], repositories: [], failure: 'dns' },
  { host: 'untrusted.example.com', auth: 'token', users: [], repositories: [], failure: 'tls' },
  { host: 'refused.example', auth: 'none', users: [], repositories: [], failure: 'refused' },
  { host: 'down.example', auth: 'none', users: [], repositories: [], failure: 'unavailable' },
];

const CASES: { name: string; image: string; credentials: PullCredential[]; cause: PullFailureCause }[] = [
  { name: 'a tag that does not exist', image: 'nginx:1.99-nope', credentials: [], cause: 'not-found' },
  { name: 'a private repository, no credentials (bearer)', image: 'davidpuziol/nginx', credentials: [], cause: 'unauthorized' },
  { name: 'a private repository, wrong password (token service)', image: 'davidpuziol/nginx', credentials: [{ username: 'david', password: 'nope' }], cause: 'unauthorized' },
  { name: 'basic auth, no credentials', image: 'registry.example.com:5000/team/app:1.0', credentials: [], cause: 'unauthorized' },
  { name: 'basic auth, wrong password', image: 'registry.example.com:5000/team/app:1.0', credentials: [{ username: 'alice', password: 'nope' }], cause: 'unauthorized' },
  { name: 'no image for the platform', image: 'pullfix/arm-only:1.0', credentials: [], cause: 'platform' },
  { name: 'rate-limited', image: 'mirror.example.com/library/nginx:1.27', credentials: [], cause: 'rate-limit' },
  { name: 'a host that does not resolve', image: 'nowhere.example/team/app:1.0', credentials: [], cause: 'dns' },
  { name: 'an untrusted certificate', image: 'untrusted.example.com/team/app:1.0', credentials: [], cause: 'tls' },
  { name: 'a refused connection', image: 'refused.example/team/app:1.0', credentials: [], cause: 'network' },
  { name: 'a registry answering 503', image: 'down.example/team/app:1.0', credentials: [], cause: 'registry-unavailable' },
];

const MARKS: Record<RuntimeDialect, RegExp> = {
  'containerd-2': /^failed to pull and unpack image "/,
  'containerd-1.6': /^failed to pull and unpack image "/,
  'cri-o': /^(?:image pull failed for \S+ because the registry is unavailable: )?unable to pull image: (?:initializing source|choosing an image from manifest list) docker:\/\//,
  docker: /^rpc error: code = Unknown desc = Error response from daemon: /,
};

let fleet: SimRegistryFleet;

beforeAll(async () => {
  fleet = await startRegistries(REGISTRIES);
});

afterAll(async () => {
  await fleet.close();
});

describe.each(RUNTIME_DIALECTS.map((runtime) => ({ runtime })))('$runtime', ({ runtime }) => {
  it.each(CASES)('$name: $cause', async ({ image, credentials, cause }) => {
    const outcome = await createPuller(fleet, { runtime, requestTimeoutMs: 1_000 })(image, credentials, AMD64);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.message).toMatch(MARKS[runtime]);
    expect(classifyPullFailure(outcome.reason, outcome.message), outcome.message).toBe(cause);
    expect(classifyPullFailure('ImagePullBackOff', `Back-off pulling image "${image}": ${outcome.reason}: ${outcome.message}`)).toBe(cause);
  });
});

describe('the words only one runtime uses', () => {
  const pull = (runtime: RuntimeDialect, image: string, credentials: PullCredential[] = []) =>
    createPuller(fleet, { runtime, requestTimeoutMs: 1_000 })(image, credentials, AMD64);

  it('CRI-O: a refused connection is RegistryUnavailable, in the kubelet\'s sentence', async () => {
    expect(await pull('cri-o', 'refused.example/team/app:1.0')).toMatchObject({
      ok: false,
      reason: 'RegistryUnavailable',
      message: expect.stringMatching(
        /^image pull failed for refused\.example\/team\/app:1\.0 because the registry is unavailable: unable to pull image: initializing source docker:\/\/refused\.example\/team\/app:1\.0: pinging container registry refused\.example: Get "https:\/\/refused\.example\/v2\/": dial tcp 192\.0\.2\.\d+:443: connect: connection refused$/,
      ),
    });
  });

  it('CRI-O: a wrong password at the token service', async () => {
    expect(await pull('cri-o', 'davidpuziol/nginx', [{ username: 'david', password: 'nope' }])).toMatchObject({
      message: 'unable to pull image: initializing source docker://docker.io/davidpuziol/nginx:latest: unable to retrieve auth token: invalid username/password: unauthorized: authentication required',
    });
  });

  it('containerd 1.6: the host and path parts of a refused request, and Go before 1.20', async () => {
    const wrong = await pull('containerd-1.6', 'registry.example.com:5000/team/app:1.0', [{ username: 'alice', password: 'nope' }]);
    expect(wrong).toMatchObject({ message: expect.stringContaining('pulling from host registry.example.com:5000 failed with status code [manifests 1.0]: 401 Unauthorized') });
    const tls = await pull('containerd-1.6', 'untrusted.example.com/team/app:1.0');
    expect(tls).toMatchObject({ message: expect.stringMatching(/": x509: certificate signed by unknown authority$/) });
  });

  it('Docker: the daemon\'s sentences', async () => {
    expect(await pull('docker', 'nginx:1.99-nope')).toMatchObject({
      message: 'rpc error: code = Unknown desc = Error response from daemon: manifest for nginx:1.99-nope not found: manifest unknown: manifest unknown',
    });
    expect(await pull('docker', 'davidpuziol/nginx')).toMatchObject({
      message:
        "rpc error: code = Unknown desc = Error response from daemon: pull access denied for davidpuziol/nginx, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
    });
  });
});

describe('npm run sim -- --runtime', () => {
  it('names the dialects when given one it does not know', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'sim/main.ts', '--scenario', 'demo', '--runtime', 'podman'], { cwd: path.resolve(__dirname, '../..') }, (error, _stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--runtime must be one of containerd-2, containerd-1.6, cri-o, docker, got "podman"');
  }, 30_000);
});
