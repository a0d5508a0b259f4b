import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import vectors from '../test/fixtures/pull-errors.json';
import { PULL_MESSAGES } from '../test/fixtures/pull-messages';
import {
  PULL_FAILURE_CAUSES,
  classifyPullFailure,
  describeCause,
  pullErrorDetail,
  type PullFailureCause,
} from './diagnosis';

/** Looks up the expected cause, failing loudly when a vector case has no expectation. */
function expected<K extends string>(table: Record<string, PullFailureCause>, key: K): PullFailureCause {
  const cause = table[key];
  if (!cause) throw new Error(`no expected cause for vector case "${key}": add it to the test`);
  return cause;
}

describe('classifyPullFailure over the upstream vectors (test/fixtures/pull-errors.json)', () => {
  const byKubeletReason: Record<string, PullFailureCause> = {
    ImagePullBackOff: 'not-found',
    ErrImagePull: 'not-found',
    ImageInspectError: 'unknown',
    ErrImageNeverPull: 'never-pull',
    InvalidImageName: 'invalid-name',
    RegistryUnavailable: 'registry-unavailable',
    SignatureValidationFailed: 'signature',
  };

  it.each(vectors.kubeletReasons)('kubelet reason $reason with its example message ($source)', (c) => {
    expect(classifyPullFailure(c.reason, c.example_message)).toBe(expected(byKubeletReason, c.reason));
  });

  const byRuntimeInput: Record<string, PullFailureCause> = {
    test: 'unknown',
    RegistryUnavailable: 'registry-unavailable',
    'RegistryUnavailable: foo': 'registry-unavailable',
    SignatureValidationFailed: 'signature',
    'SignatureValidationFailed: bar': 'signature',
  };

  it.each(vectors.evalCRIPullErrCases)('evalCRIPullErr $input -> $expectReason ($source)', (c) => {
    const cause = expected(byRuntimeInput, c.input);
    const kubeletMessage = ('expectMessage' in c ? c.expectMessage : undefined) ?? c.input;
    expect(classifyPullFailure(c.expectReason, kubeletMessage)).toBe(cause);
    // The runtime's own error, as crictl shows it, reads the same without the kubelet's reason.
    expect(classifyPullFailure(null, c.input)).toBe(cause);
  });

  const byEventFormat: Record<string, PullFailureCause> = {
    'Pulling image %q': 'unknown',
    'Successfully pulled image %q in %v (%v including waiting). Image size: %v bytes.': 'unknown',
    'Container image %q already present on machine': 'unknown',
    'Container image %q already present on machine and can be accessed by the pod': 'unknown',
    'Failed to pull image %q: %v': 'not-found',
    'Back-off pulling image %q': 'unknown',
    'Failed to apply default image tag %q: %v': 'invalid-name',
    'Failed to inspect image %q: %v': 'unknown',
    'Container image %q is not present with pull policy of Never': 'never-pull',
    'Error: %v': 'unknown',
    'Failed to record image pull intent for container image %q: %v': 'unknown',
  };

  it.each(vectors.kubeletEvents)('event $reason "$format" ($source)', (c) => {
    const cause = expected(byEventFormat, c.format);
    expect(classifyPullFailure(c.reason, c.example_message)).toBe(cause);
    expect(classifyPullFailure(null, c.example_message)).toBe(cause);
  });

  const byEventErrorReason: Record<string, PullFailureCause> = {
    ErrImagePull: 'unknown',
    ImagePullBackOff: 'unknown',
    InvalidImageName: 'invalid-name',
    ErrImageNeverPull: 'never-pull',
    ImageInspectError: 'unknown',
    RegistryUnavailable: 'registry-unavailable',
    SignatureValidationFailed: 'signature',
  };

  it('every "Error: <reason>" event the kubelet emits', () => {
    const errorEvent = vectors.kubeletEvents.find((e) => e.format === 'Error: %v');
    const reasons = [...(errorEvent?.note ?? '').matchAll(/"Error: (\w+)"/g)].map((m) => m[1] ?? '');
    expect(reasons.sort()).toEqual(Object.keys(byEventErrorReason).sort());
    for (const reason of reasons) {
      expect(classifyPullFailure('Failed', `Error: ${reason}`), reason).toBe(expected(byEventErrorReason, reason));
    }
  });

  it.each(vectors.containerStatus.examples)('container status $reason', (c) => {
    expect(classifyPullFailure(c.reason, c.message)).toBe(expected(byKubeletReason, c.reason));
  });

  const byRuntimeCause: Record<string, PullFailureCause> = {
    'repository does not exist or auth denied (registry returns 401 with a Bearer challenge error, e.g. insufficient_scope)':
      'unauthorized',
    'no credentials for a private registry requiring basic auth': 'unauthorized',
    'repository does not exist or auth denied': 'unauthorized',
    '401 Unauthorized from the token endpoint (bad credentials)': 'unauthorized',
    '403 Forbidden on manifest HEAD': 'unauthorized',
    'tag (manifest) not found': 'not-found',
    'repository not found (NAME_UNKNOWN)': 'not-found',
    'registry host name does not resolve': 'dns',
    'registry TLS certificate not trusted': 'tls',
    'Docker Hub pull rate limit (HTTP 429)': 'rate-limit',
    'Docker Hub pull rate limit': 'rate-limit',
    "no manifest for the node's OS/architecture in the image index": 'platform',
    "no manifest for the node's OS/architecture": 'platform',
    'signature policy rejected the image': 'signature',
  };

  it.each(vectors.runtimeErrors)('$runtime: $cause ($source)', (c) => {
    const cause = expected(byRuntimeCause, c.cause);
    const reason = /^\w+/.exec(c.kubeletReason)?.[0] ?? null;
    expect(classifyPullFailure(reason, c.example_message)).toBe(cause);
    expect(classifyPullFailure(null, c.example_message)).toBe(cause);
    expect(classifyPullFailure(null, `rpc error: code = Unknown desc = ${c.example_message}`)).toBe(cause);
  });

  it('the TLS texts named beside the vector', () => {
    const tlsCase = vectors.runtimeErrors.find((c) => c.cause === 'registry TLS certificate not trusted');
    const texts = [...(tlsCase?.note ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(texts.length).toBeGreaterThanOrEqual(4);
    for (const text of texts) expect(classifyPullFailure('ErrImagePull', text), text).toBe('tls');
  });

  it('the aggregate the kubelet returns when every credential failed (credentialRetry)', () => {
    const unauthorized = vectors.runtimeErrors
      .filter((c) => byRuntimeCause[c.cause] === 'unauthorized')
      .map((c) => c.example_message);
    expect(unauthorized.length).toBeGreaterThanOrEqual(2);
    expect(classifyPullFailure('ErrImagePull', `[${unauthorized.join(', ')}]`)).toBe('unauthorized');
  });
});

describe('classifyPullFailure over realistic messages (test/fixtures/pull-messages.ts)', () => {
  it('covers every cause with at least 60 messages', () => {
    expect(PULL_MESSAGES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(PULL_MESSAGES.map((c) => c.cause))).toEqual(new Set(PULL_FAILURE_CAUSES));
  });

  it.each(PULL_MESSAGES)('$cause: [$reason] $message', (c) => {
    expect(classifyPullFailure(c.reason, c.message)).toBe(c.cause);
  });

  const pullReasons = new Set(['ErrImagePull', 'RegistryUnavailable', 'SignatureValidationFailed']);
  const pullFailures = PULL_MESSAGES.filter((c) => c.reason !== null && pullReasons.has(c.reason));

  it.each(pullFailures)('a back-off that embeds it reads the same: $message', (c) => {
    const backOff = `Back-off pulling image "app:1.0": ${c.reason}: ${c.message}`;
    expect(classifyPullFailure('ImagePullBackOff', backOff)).toBe(c.cause);
  });
});

describe('classifyPullFailure properties', () => {
  const component = fc.oneof(
    fc.constantFrom('denied', 'unauthorized', 'forbidden', 'timeout', 'notfound', 'x509', 'toomanyrequests', 'lookup', 'refused', 'i', 'o'),
    fc.stringMatching(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/),
  );
  const repository = fc.array(component, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
  const tag = fc.oneof(
    fc.constantFrom('denied', 'Unauthorized', 'timeout', 'latest', 'not-found'),
    fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/),
  );
  const host = fc.oneof(
    fc.constantFrom('denied', 'registry', 'localhost:5000'),
    fc.array(fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/), { minLength: 2, maxLength: 4 }).map((l) => l.join('.')),
  );

  type Template = (h: string, r: string, t: string) => [string | null, string, PullFailureCause];
  const templates: Record<string, Template> = {
    containerdNotFound: (h, r, t) => [
      'ErrImagePull',
      `failed to pull and unpack image "${h}/${r}:${t}": failed to resolve reference "${h}/${r}:${t}": ${h}/${r}:${t}: not found`,
      'not-found',
    ],
    crioManifestUnknown: (h, r, t) => ['ErrImagePull', `reading manifest ${t} in ${h}/${r}: manifest unknown`, 'not-found'],
    mobyManifestNotFound: (_h, r, t) => [
      'ErrImagePull',
      `Error response from daemon: manifest for ${r}:${t} not found: manifest unknown: manifest unknown`,
      'not-found',
    ],
    mobyRepositoryNotFound: (_h, r) => [
      'ErrImagePull',
      `Error response from daemon: repository ${r} not found: name unknown: repository name not known to registry`,
      'not-found',
    ],
    mobyAccessDenied: (_h, r) => [
      'ErrImagePull',
      `Error response from daemon: pull access denied for ${r}, repository does not exist or may require 'docker login'`,
      'unauthorized',
    ],
    dnsLookup: (h) => ['ErrImagePull', `Get "https://${h}/v2/": dial tcp: lookup ${h} on 10.96.0.10:53: no such host`, 'dns'],
    crioPingRefused: (h) => [
      'ErrImagePull',
      `pinging container registry ${h}: Get "https://${h}/v2/": dial tcp 10.0.0.15:443: connect: connection refused`,
      'network',
    ],
    neverPull: (h, r, t) => [null, `Container image "${h}/${r}:${t}" is not present with pull policy of Never`, 'never-pull'],
    registryUnavailable: (h, r, t) => [
      'RegistryUnavailable',
      `image pull failed for ${h}/${r}:${t} because the registry is unavailable`,
      'registry-unavailable',
    ],
    bareBackOff: (h, r, t) => ['ImagePullBackOff', `Back-off pulling image "${h}/${r}:${t}"`, 'unknown'],
  };

  it.each(Object.entries(templates))('names and tags never change the cause: %s', (_name, template) => {
    fc.assert(
      fc.property(host, repository, tag, (h, r, t) => {
        const [reason, message, cause] = template(h, r, t);
        expect(classifyPullFailure(reason, message)).toBe(cause);
        const backOff = `Back-off pulling image "${r}:${t}": ErrImagePull: ${message}`;
        expect(classifyPullFailure('ImagePullBackOff', backOff)).toBe(cause);
      }),
    );
  });

  it('is total: any reason and message give one of the causes', () => {
    fc.assert(
      fc.property(fc.option(fc.string()), fc.string({ unit: 'grapheme', maxLength: 400 }), (reason, message) => {
        expect(PULL_FAILURE_CAUSES).toContain(classifyPullFailure(reason, message));
      }),
    );
  });

  it('stays fast on long hostile input', () => {
    const hostile = `${'a.'.repeat(20_000)}: ${'x:'.repeat(20_000)} not found`;
    const started = performance.now();
    expect(classifyPullFailure('ErrImagePull', hostile)).toBe('not-found');
    expect(pullErrorDetail(hostile).length).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('describeCause', () => {
  it('gives every cause its own short phrase', () => {
    const phrases = PULL_FAILURE_CAUSES.map(describeCause);
    expect(new Set(phrases).size).toBe(PULL_FAILURE_CAUSES.length);
    for (const phrase of phrases) expect(phrase.length).toBeGreaterThan(10);
  });
});

describe('pullErrorDetail', () => {
  const hubRef = 'docker.io/library/agentx:latest';
  const cases: [string, string][] = [
    [
      'failed to pull and unpack image "docker.io/library/nginx:doesnotexist": failed to resolve reference "docker.io/library/nginx:doesnotexist": docker.io/library/nginx:doesnotexist: not found',
      'docker.io/library/nginx:doesnotexist: not found',
    ],
    [
      `Back-off pulling image "agentx": ErrImagePull: failed to pull and unpack image "${hubRef}": failed to resolve reference "${hubRef}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`,
      'insufficient_scope: authorization failed',
    ],
    [
      'pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials',
      'no basic auth credentials',
    ],
    [
      'Failed to pull image "app:1.0": rpc error: code = Unknown desc = failed to pull and unpack image "registry.example.com/team/app:1.0": failed to resolve reference "registry.example.com/team/app:1.0": failed to do request: Head "https://registry.example.com/v2/team/app/manifests/1.0": dial tcp: lookup registry.example.com on 10.96.0.10:53: no such host',
      'lookup registry.example.com on 10.96.0.10:53: no such host',
    ],
    [
      'failed to do request: Head "https://registry.example.com/v2/team/app/manifests/1.0": tls: failed to verify certificate: x509: certificate signed by unknown authority',
      'x509: certificate signed by unknown authority',
    ],
    [
      'failed to resolve reference "docker.io/library/nginx:latest": unexpected status from HEAD request to https://registry-1.docker.io/v2/library/nginx/manifests/latest: 429 Too Many Requests',
      '429 Too Many Requests',
    ],
    [
      'unexpected status from GET request to https://registry-1.docker.io/v2/library/nginx/manifests/latest: 429 Too Many Requests\ntoomanyrequests: You have reached your pull rate limit.',
      'toomanyrequests: You have reached your pull rate limit.',
    ],
    ['reading manifest doesnotexist in docker.io/library/nginx: manifest unknown', 'manifest unknown'],
    [
      'pinging container registry registry.example.com: Get "https://registry.example.com/v2/": dial tcp: lookup registry.example.com: no such host',
      'lookup registry.example.com: no such host',
    ],
    [
      "Error response from daemon: pull access denied for foo, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
      "pull access denied for foo, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
    ],
    ['image pull failed for test because the registry is unavailable: foo', 'foo'],
    ['image pull failed for test because the registry is unavailable', 'image pull failed for test because the registry is unavailable'],
    ['Back-off pulling image "nginx:doesnotexist"', 'Back-off pulling image "nginx:doesnotexist"'],
    ['choosing image instance: no image found in manifest list for architecture "arm64", variant "v8", OS "linux"', 'no image found in manifest list for architecture "arm64", variant "v8", OS "linux"'],
    [
      'Failed to apply default image tag "Nginx": couldn\'t parse image name "Nginx": invalid reference format: repository name (library/Nginx) must be lowercase',
      'invalid reference format: repository name (library/Nginx) must be lowercase',
    ],
    [
      'pinging container registry registry.example.com:5000: Get "https://registry.example.com:5000/v2/": http: server gave HTTP response to HTTPS client',
      'http: server gave HTTP response to HTTPS client',
    ],
    [
      'unable to pull image: initializing source docker://quay.io/acme/operator:v0.9: reading manifest v0.9 in quay.io/acme/operator: unauthorized: access to the requested resource is not authorized',
      'unauthorized: access to the requested resource is not authorized',
    ],
    [
      'initializing source docker://ghcr.io/acme/api:2.1: Requesting bearer token: invalid status code from registry 403 (Forbidden)',
      'invalid status code from registry 403 (Forbidden)',
    ],
    ['  \n ', ''],
  ];

  it.each(cases)('%s', (message, detail) => {
    expect(pullErrorDetail(message)).toBe(detail);
  });

  it('returns a non-empty tail of a one-line message', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }).filter((s) => !/[\n\r]/.test(s)), (message) => {
        const detail = pullErrorDetail(message);
        expect(message.trim().endsWith(detail)).toBe(true);
        expect(detail === '').toBe(message.trim() === '');
      }),
    );
  });
});
