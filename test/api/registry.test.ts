import http from 'node:http';
import https from 'node:https';
import { NextRequest } from 'next/server';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { POST as postImageFix } from '../../app/api/contexts/[context]/namespaces/[namespace]/image-fixes/route';
import { GET as getPodRegistry } from '../../app/api/contexts/[context]/namespaces/[namespace]/pods/[pod]/registry/route';
import { GET as getPodAllowance } from '../../app/api/contexts/[context]/namespaces/[namespace]/pods/[pod]/registry/allowance/route';
import { POST as postCheck } from '../../app/api/registry/check/route';
import type { ApiErrorBody, ImageFixResponse, PodRegistryInfo, RateLimitInfo, RegistryCheckResponse } from '../../lib/api/types';
import { clientsFor } from '../../lib/kube/config';
import { dockerConfigJson } from '../../lib/pull-secrets';
import { installPeerKey, PEER_HEADER, peerStamp } from '../../lib/security/peer';
import { simCliForFile } from '../support/sim-cli';
import { waitUntil } from '../support/wait';

/**
 * The registry routes against the whole demo cluster from the simulator's CLI: its API server holds the demo's
 * pods and secrets, its registries serve the demo's images over the Distribution API (Docker Hub's bearer-token
 * flow included), and the app finds them through the registries.json the CLI writes.
 */
simCliForFile('demo', { withRegistries: true });

const CSRF = 'test-csrf-token-4b1d';
const DAVID_PASSWORD = 'Dav1d-pull-2024';
const OTHER_PASSWORD = 'other-pass';

beforeAll(async () => {
  await createSecret('default', 'metadata-creds', '169.254.169.254');
  await createSecret('default', 'gce-creds', 'metadata.google.internal');
  await createSecret('default', 'link-local-creds', '[fe80::1]:5000');
  [pods.david, pods.typo, pods.armOnly, pods.wrongPass, pods.nightly] = await Promise.all([
    podOf('default', 'nginx-david'),
    podOf('typos', 'web'),
    podOf('platforms', 'arm-only'),
    podOf('team-wrongpass', 'worker'),
    podOf('hub-limits', 'nightly'),
  ]);
}, 180_000);

// Everything here runs on loopback; a request anywhere else is recorded and stopped before a socket opens.
const offLoopback: string[] = [];
for (const transport of [http, https]) {
  const original = transport.request.bind(transport) as (...args: unknown[]) => http.ClientRequest;
  vi.spyOn(transport, 'request').mockImplementation(((...args: unknown[]) => {
    const [first, second] = args;
    const host = first instanceof URL ? first.hostname : typeof first === 'string' ? new URL(first).hostname : hostOf(first ?? second);
    if (host !== '127.0.0.1' && host !== 'localhost') {
      offLoopback.push(String(host));
      throw new Error(`test: a connection to ${String(host)} was attempted`);
    }
    return original(...args);
  }) as typeof transport.request);
}
afterEach(() => expect(offLoopback).toEqual([]));

function hostOf(options: unknown): string | undefined {
  const record = options as { hostname?: string; host?: string } | undefined;
  return record?.hostname ?? record?.host?.replace(/:\d+$/, '');
}

async function createSecret(namespace: string, name: string, server: string): Promise<void> {
  const config = dockerConfigJson({ server, username: 'probe', password: 'probe-password' });
  await clientsFor('sim-admin').core.createNamespacedSecret({
    namespace,
    body: { metadata: { name, namespace }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(config).toString('base64') } },
  });
}

/**
 * The first pod of a workload, by its app label, once the simulated controllers have made it (and, with
 * `phase`, once it got there). On a loaded machine the Deployment → ReplicaSet → Pod chain takes a while.
 */
function podOf(namespace: string, app: string, phase?: string): Promise<string> {
  return waitUntil(
    async () => {
      const pods = await clientsFor('sim-admin').core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
      const match = pods.items.find((pod) => pod.metadata?.deletionTimestamp === undefined && (phase === undefined || pod.status?.phase === phase));
      return match?.metadata?.name;
    },
    { what: `a ${phase ?? ''} pod with app=${app} in ${namespace}`, timeoutMs: 60_000, intervalMs: 500 },
  );
}

/** The demo pods the tests talk about, found once: nginx-david, the typo workload, the arm-only image, the wrong password. */
const pods: Record<'david' | 'typo' | 'armOnly' | 'wrongPass' | 'nightly', string> = { david: '', typo: '', armOnly: '', wrongPass: '', nightly: '' };

let client = 0;
// The registry routes limit per client address, read from the stamp the server process writes.
installPeerKey('registry-test-peer-key');
function mutationHeaders(overrides: Record<string, string> = {}): Record<string, string> {
  client += 1;
  return {
    'content-type': 'application/json',
    host: '127.0.0.1:3000',
    origin: 'http://127.0.0.1:3000',
    cookie: `pullfix-csrf=${CSRF}`,
    'x-pullfix-csrf': CSRF,
    [PEER_HEADER]: peerStamp(`10.0.0.${client}`)!,
    ...overrides,
  };
}

const check = (body: unknown, headers: Record<string, string> = mutationHeaders()) =>
  postCheck(new NextRequest('http://127.0.0.1:3000/api/registry/check', { method: 'POST', headers, body: JSON.stringify(body) }));

async function checkOk(body: unknown): Promise<{ result: RegistryCheckResponse; text: string }> {
  const response = await check(body);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return { result: JSON.parse(text) as RegistryCheckResponse, text };
}

async function expectError(response: Response, status: number, code: string): Promise<string> {
  const body = (await response.json()) as ApiErrorBody;
  expect({ status: response.status, code: body.error.code }, body.error.message).toEqual({ status, code });
  return body.error.message;
}

describe('POST /api/registry/check against the demo registries', () => {
  it('says the dockercreds secret cannot pull nginx-david\'s image, in plain words, without its password', async () => {
    const pod = pods.david;
    const { result, text } = await checkOk({
      context: 'sim-admin',
      image: 'docker.io/davidpuziol/nginx',
      credential: { kind: 'secret', namespace: 'default', name: 'dockercreds' },
      pod: { namespace: 'default', name: pod },
    });
    expect(result).toMatchObject({ ok: false, cause: 'unauthorized', digest: null, username: 'otheruser', secret: 'dockercreds' });
    expect(result.message).toMatch(/otheruser/);
    expect(text).not.toContain(OTHER_PASSWORD);
  });

  it('says the right typed credentials can pull it, with the digest, and never echoes the password', async () => {
    const pod = pods.david;
    const { result, text } = await checkOk({
      context: 'sim-admin',
      image: 'docker.io/davidpuziol/nginx',
      credential: { kind: 'typed', username: 'davidpuziol', password: DAVID_PASSWORD },
      pod: { namespace: 'default', name: pod },
    });
    expect(result).toMatchObject({ ok: true, cause: null, registry: 'docker.io', repository: 'davidpuziol/nginx', reference: 'latest', username: 'davidpuziol' });
    expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.message).toContain(result.digest);
    expect(text).not.toContain(DAVID_PASSWORD);
  });

  it('pulls a public image with an anonymous token and lists the platforms of its index', async () => {
    const { result } = await checkOk({
      context: 'sim-admin',
      image: 'nginx:1.27',
      credential: { kind: 'anonymous' },
      pod: { namespace: 'default', name: 'toolbox' },
    });
    expect(result).toMatchObject({ ok: true, repository: 'library/nginx', reference: '1.27', username: null });
    expect(result.platforms).toEqual(['linux/amd64', 'linux/arm64']);
  });

  it('tests a secret by the registry it names, without a pod', async () => {
    const { result } = await checkOk({
      context: 'sim-admin',
      image: 'ghcr.io/acme/api:2.1',
      credential: { kind: 'secret', namespace: 'team-unattached', name: 'ghcr-creds' },
    });
    expect(result).toMatchObject({ ok: true, username: 'acme-bot', secret: 'ghcr-creds' });
  });

  it('reports the registry\'s refusal of a wrong password on a basic-auth registry', async () => {
    const { result, text } = await checkOk({
      context: 'sim-admin',
      image: 'registry.example.com:5000/team/app:1.4',
      credential: { kind: 'secret', namespace: 'team-wrongpass', name: 'registry-creds' },
    });
    expect(result).toMatchObject({ ok: false, cause: 'unauthorized', username: 'team-ci' });
    expect(text).not.toContain('wrong-password');
  });

  it('reports a tag that does not exist as not found', async () => {
    const { result } = await checkOk({
      context: 'sim-admin',
      image: 'nginx:1.27-alpne',
      credential: { kind: 'anonymous' },
      pod: { namespace: 'default', name: 'toolbox' },
    });
    expect(result).toMatchObject({ ok: false, cause: 'not-found' });
  });

  it.each([
    {
      name: 'a secret with no entry for the image\'s registry',
      body: { context: 'sim-admin', image: 'ghcr.io/acme/api:2.1', credential: { kind: 'secret', namespace: 'team-ghcr', name: 'hub-creds' } },
      status: 400,
      code: 'invalid-input',
      says: /no entry the kubelet would use/,
    },
    {
      name: 'typed credentials without a pod',
      body: { context: 'sim-admin', image: 'ghcr.io/acme/api:2.1', credential: { kind: 'typed', username: 'a', password: 'b' } },
      status: 400,
      code: 'invalid-input',
      says: /name the pod/,
    },
    {
      name: 'a registry that is not one of the pod\'s',
      body: { context: 'sim-admin', image: 'evil.example.com/x:1', credential: { kind: 'anonymous' }, pod: { namespace: 'default', name: 'toolbox' } },
      status: 400,
      code: 'invalid-input',
      says: /not the registry of any image of pod "toolbox"/,
    },
    {
      name: 'the cloud metadata address, named by a secret',
      body: { context: 'sim-admin', image: '169.254.169.254/latest/meta-data:1', credential: { kind: 'secret', namespace: 'default', name: 'metadata-creds' } },
      status: 400,
      code: 'invalid-input',
      says: /does not contact 169\.254\.169\.254/,
    },
    {
      name: 'the GCP metadata name, named by a secret',
      body: { context: 'sim-admin', image: 'metadata.google.internal/computemetadata:v1', credential: { kind: 'secret', namespace: 'default', name: 'gce-creds' } },
      status: 400,
      code: 'invalid-input',
      says: /does not contact metadata\.google\.internal/,
    },
    {
      name: 'an IPv6 link-local address, named by a secret',
      body: { context: 'sim-admin', image: '[fe80::1]:5000/x:1', credential: { kind: 'secret', namespace: 'default', name: 'link-local-creds' } },
      status: 400,
      code: 'invalid-input',
      says: /does not contact \[?fe80::1/,
    },
    {
      name: 'a secret the viewer may not read',
      body: { context: 'sim-viewer', image: 'docker.io/davidpuziol/nginx', credential: { kind: 'secret', namespace: 'default', name: 'dockercreds' } },
      status: 403,
      code: 'forbidden',
      says: /may not read the secret "dockercreds" in namespace "default"/,
    },
    {
      name: 'a secret that does not exist',
      body: { context: 'sim-admin', image: 'docker.io/davidpuziol/nginx', credential: { kind: 'secret', namespace: 'default', name: 'nope' } },
      status: 404,
      code: 'not-found',
      says: /the secret "nope" does not exist/,
    },
    {
      name: 'an image that does not parse',
      body: { context: 'sim-admin', image: 'Nginx:Latest', credential: { kind: 'anonymous' }, pod: { namespace: 'default', name: 'toolbox' } },
      status: 400,
      code: 'invalid-input',
      says: /not valid/,
    },
    {
      name: 'an unknown credential kind',
      body: { context: 'sim-admin', image: 'nginx', credential: { kind: 'token', token: 'x' } },
      status: 400,
      code: 'invalid-input',
      says: /credential/,
    },
  ])('refuses $name', async ({ body, status, code, says }) => {
    expect(await expectError(await check(body), status, code)).toMatch(says);
  });

  it('refuses a request without the CSRF token, or from another origin', async () => {
    const body = { context: 'sim-admin', image: 'nginx', credential: { kind: 'anonymous' }, pod: { namespace: 'default', name: 'toolbox' } };
    const withoutToken = mutationHeaders();
    delete withoutToken['x-pullfix-csrf'];
    await expectError(await check(body, withoutToken), 403, 'csrf-rejected');
    await expectError(await check(body, mutationHeaders({ origin: 'https://evil.example' })), 403, 'csrf-rejected');
  });

  it('rate-limits a client that checks too often', async () => {
    const headers = mutationHeaders();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 21; attempt += 1) statuses.push((await check({}, headers)).status);
    expect(statuses.slice(0, 20).every((status) => status === 400)).toBe(true);
    expect(statuses[20]).toBe(429);
    expect((await check({}, mutationHeaders())).status).toBe(400);
  });
});

const podRegistry = (context: string, namespace: string, pod: string, container: string) =>
  getPodRegistry(
    new NextRequest(`http://127.0.0.1:3000/api/contexts/${context}/namespaces/${namespace}/pods/${pod}/registry?container=${container}`, {
      headers: { [PEER_HEADER]: peerStamp(`10.1.0.${(client += 1)}`)! },
    }),
    { params: Promise.resolve({ context, namespace, pod }) },
  );

describe('GET …/pods/{pod}/registry', () => {
  it('lists the typo workload\'s tags closest to the one asked for first', async () => {
    const response = await podRegistry('sim-admin', 'typos', pods.typo, 'web');
    expect(response.status).toBe(200);
    const info = (await response.json()) as PodRegistryInfo;
    expect(info).toMatchObject({ container: 'web', image: 'nginx:1.27-alpne', requestedTag: '1.27-alpne', credential: null });
    expect(info.tags).toEqual({ ok: true, suggestions: ['1.27-alpine', '1.27', '1.26-alpine', 'latest'], complete: true });
  });

  it('shows the platforms an image offers beside the node\'s', async () => {
    const info = (await (await podRegistry('sim-viewer', 'platforms', pods.armOnly, 'app')).json()) as PodRegistryInfo;
    expect(info.platforms).toMatchObject({ image: ['linux/arm64'], node: 'linux/amd64', nodeMessage: null });
  });

  it('lists a private repository\'s tags with the credential the kubelet would use', async () => {
    const info = (await (await podRegistry('sim-admin', 'team-wrongpass', pods.wrongPass, 'worker')).json()) as PodRegistryInfo;
    expect(info.credential).toEqual({ secret: 'registry-creds', username: 'team-ci' });
    expect(info.tags).toMatchObject({ ok: false, cause: 'unauthorized' });
  });

  it('answers 404 for a container the pod does not have', async () => {
    await expectError(await podRegistry('sim-admin', 'default', 'toolbox', 'nope'), 404, 'not-found');
  });
});

const podAllowance = (context: string, namespace: string, pod: string, container: string) =>
  getPodAllowance(
    new NextRequest(`http://127.0.0.1:3000/api/contexts/${context}/namespaces/${namespace}/pods/${pod}/registry/allowance?container=${container}`, {
      headers: { [PEER_HEADER]: peerStamp(`10.1.0.${(client += 1)}`)! },
    }),
    { params: Promise.resolve({ context, namespace, pod }) },
  );

describe('GET …/pods/{pod}/registry/allowance', () => {
  it('states Docker Hub\'s allowance for the account the kubelet pulls with, read with HEADs that spend none', async () => {
    const stated: RateLimitInfo = {
      ok: true,
      limit: 100,
      remaining: 0,
      windowSeconds: 21600,
      source: 'capped-bot',
      text: 'Docker Hub allows 0 more of 100 pulls per 6 h for this client (counted against capped-bot); Hub states no reset time: a pull is allowed again once one of those made in the last 6 h ages out of it',
    };
    for (let read = 0; read < 3; read += 1) {
      const response = await podAllowance('sim-admin', 'hub-limits', pods.nightly, 'nginx');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(stated);
    }
  });

  it('says a registry states no allowance when it does not: anonymous Hub pulls here, and for a viewer who may not read the secret', async () => {
    expect(await (await podAllowance('sim-admin', 'platforms', pods.armOnly, 'app')).json()).toEqual({ ok: true, limit: null, text: null });
    expect(await (await podAllowance('sim-viewer', 'hub-limits', pods.nightly, 'nginx')).json()).toEqual({ ok: true, limit: null, text: null });
  });

  it('answers 404 for a container the pod does not have', async () => {
    await expectError(await podAllowance('sim-admin', 'hub-limits', pods.nightly, 'nope'), 404, 'not-found');
  });
});

const imageFix = (context: string, namespace: string, body: unknown) =>
  postImageFix(
    new NextRequest(`http://127.0.0.1:3000/api/contexts/${context}/namespaces/${namespace}/image-fixes`, {
      method: 'POST',
      headers: mutationHeaders(),
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ context, namespace }) },
  );

describe('POST …/image-fixes', () => {
  it('previews the tag change as a strategic merge patch of the Deployment, dry-run included', async () => {
    const pod = pods.typo;
    const response = await imageFix('sim-admin', 'typos', { mode: 'preview', pod, container: 'web', tag: '1.27-alpine' });
    expect(response.status).toBe(200);
    const plan = (await response.json()) as ImageFixResponse;
    expect(plan).toMatchObject({
      mode: 'preview',
      target: { kind: 'Deployment', name: 'web' },
      from: 'nginx:1.27-alpne',
      to: 'nginx:1.27-alpine',
      allowed: true,
      dryRun: { ok: true, message: null },
      applied: false,
    });
    expect(plan.patch).toBe('spec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27-alpine\n');
    const deployment = await clientsFor('sim-admin').apps.readNamespacedDeployment({ namespace: 'typos', name: 'web' });
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe('nginx:1.27-alpne');
  });

  it('tells the viewer it may not patch, and refuses to apply for it', async () => {
    const pod = pods.typo;
    const preview = (await (await imageFix('sim-viewer', 'typos', { mode: 'preview', pod, container: 'web', tag: '1.27-alpine' })).json()) as ImageFixResponse;
    expect(preview.allowed).toBe(false);
    expect(preview.deniedReason).toMatch(/may not patch deployments\.apps in namespace "typos"/);
    await expectError(await imageFix('sim-viewer', 'typos', { mode: 'apply', pod, container: 'web', tag: '1.27-alpine' }), 403, 'forbidden');
  });

  it('refuses a tag the registry grammar does not allow', async () => {
    await expectError(await imageFix('sim-admin', 'typos', { mode: 'preview', pod: 'x', container: 'web', tag: '-bad tag' }), 400, 'invalid-input');
  });

  it('applied, the suggested tag makes the typo workload\'s pod run', async () => {
    const pod = pods.typo;
    const response = await imageFix('sim-admin', 'typos', { mode: 'apply', pod, container: 'web', tag: '1.27-alpine' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as ImageFixResponse).applied).toBe(true);
    const running = await podOf('typos', 'web', 'Running');
    const runningPod = await clientsFor('sim-admin').core.readNamespacedPod({ namespace: 'typos', name: running });
    expect(runningPod.spec?.containers[0]?.image).toBe('nginx:1.27-alpine');
  }, 90_000);
});
