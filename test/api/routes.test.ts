import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { GET as getContexts } from '../../app/api/contexts/route';
import { GET as getFailures } from '../../app/api/contexts/[context]/failures/route';
import { GET as getPod } from '../../app/api/contexts/[context]/namespaces/[namespace]/pods/[pod]/route';
import type { ApiErrorBody, ContextsResponse, FailuresResponse, PodDiagnosis } from '../../lib/api/types';
import { reloadKubeConfig } from '../../lib/kube/config';
import { failureId } from '../../lib/failures-stream';
import { unpackFailures, type PackedFailures } from '../../lib/packed-failures';
import { pointApp } from '../support/app-cluster';
import { ADMIN, REGISTRY_PASSWORD, STRANGER, VIEWER, startSimCluster, type SimCluster } from '../kube/sim-cluster';

let cluster: SimCluster;
let directory: string;
let downServer: string;
let restoreApp: (() => void) | undefined;

beforeAll(async () => {
  cluster = await startSimCluster();
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pullfix-routes-'));
  downServer = `https://127.0.0.1:${await closedPort()}`;
  const down = path.join(directory, 'down.yaml');
  fs.writeFileSync(
    down,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'down', cluster: { server: downServer } }],
      users: [{ name: 'down', user: { token: 'down-token' } }],
      contexts: [{ name: 'arn:aws:eks:eu-west-1:123456789012:cluster/down', context: { cluster: 'down', user: 'down' } }],
    }),
  );
  restoreApp = pointApp({ PULLFIX_KUBECONFIG: [cluster.kubeconfig, down].join(path.delimiter) });
});
afterAll(async () => {
  restoreApp?.();
  await cluster?.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const failures = (context: string, query = '') =>
  getFailures(new NextRequest(`http://127.0.0.1/api/contexts/${encodeURIComponent(context)}/failures${query}`), {
    params: Promise.resolve({ context }),
  });
const podDetail = (context: string, namespace: string, pod: string) =>
  getPod(new NextRequest(`http://127.0.0.1/api/contexts/${context}/namespaces/${namespace}/pods/${pod}`), {
    params: Promise.resolve({ context, namespace, pod }),
  });

async function expectError(response: Response, status: number, code: string, reason: string | null): Promise<ApiErrorBody> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as ApiErrorBody;
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toEqual({ code, status, reason, message: expect.any(String) });
  expect(body.error.message).not.toMatch(/HTTP-Code|Headers|at .*\.(js|ts):\d+|FetchError/);
  return body;
}

describe('GET /api/contexts', () => {
  it('lists the merged kubeconfig contexts', async () => {
    const response = await getContexts();
    expect(response.status).toBe(200);
    const body = (await response.json()) as ContextsResponse;
    expect(body.contexts.map((context) => [context.name, context.current, context.namespace])).toEqual([
      [ADMIN.name, true, 'default'],
      [VIEWER.name, false, 'default'],
      [STRANGER.name, false, 'default'],
      ['arn:aws:eks:eu-west-1:123456789012:cluster/down', false, null],
    ]);
    expect(JSON.stringify(body)).not.toMatch(/token/);
  });
});

describe('GET /api/contexts/{context}/failures', () => {
  it('answers the failures of all namespaces', async () => {
    const response = await failures(ADMIN.name);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store, no-transform');
    const body = (await response.json()) as FailuresResponse;
    expect(body.items).toHaveLength(7);
    expect(body.warnings).toEqual([]);
    expect(JSON.stringify(body)).not.toContain(REGISTRY_PASSWORD);
  });

  it('narrows to a namespace, and an empty namespace means all', async () => {
    const shop = (await (await failures(ADMIN.name, '?namespace=shop')).json()) as FailuresResponse;
    expect(new Set(shop.items.map((item) => item.namespace))).toEqual(new Set(['shop']));
    const all = (await (await failures(ADMIN.name, '?namespace=')).json()) as FailuresResponse;
    expect(all.items).toHaveLength(7);
  });

  it('answers the page\'s packed form, each shared part once, and whole items by default', async () => {
    const [whole, packed] = await Promise.all([
      failures(ADMIN.name).then((response) => response.json() as Promise<FailuresResponse>),
      failures(ADMIN.name, '?form=packed').then((response) => response.json() as Promise<PackedFailures>),
    ]);
    expect(whole.items.every((item) => typeof item.verdict === 'object' && item.verdict !== null)).toBe(true);
    expect(packed.items.every((item) => typeof item.verdict === 'number' && typeof item.image === 'number')).toBe(true);
    expect(packed.parts.verdict.length).toBeLessThan(packed.items.length);
    // The demo's kubelet retries between two reads, so what both forms must agree on is which containers fail and why.
    const summary = (answer: FailuresResponse) => answer.items.map((item) => [failureId(item), item.verdict.code, item.image?.normalized ?? null]);
    expect(summary(unpackFailures(packed))).toEqual(summary(whole));
    const shop = (await (await failures(ADMIN.name, '?namespace=shop&form=packed')).json()) as PackedFailures;
    expect(new Set(shop.items.map((item) => item.namespace))).toEqual(new Set(['shop']));
    const full = (await (await failures(ADMIN.name, '?form=full')).json()) as FailuresResponse;
    expect(summary(full)).toEqual(summary(whole));
  });

  it('refuses a form it does not know', async () => {
    const body = await expectError(await failures(ADMIN.name, '?form=compact'), 400, 'invalid-input', null);
    expect(body.error.message).toBe("form: form must be 'full' or 'packed'");
  });

  it('passes the viewer\'s warnings through', async () => {
    const body = (await (await failures(VIEWER.name)).json()) as FailuresResponse;
    expect(body.warnings.map((warning) => warning.code)).toEqual(['secrets-forbidden', 'secrets-forbidden', 'secrets-forbidden', 'secrets-forbidden']);
  });

  it.each([
    ['uppercase', '?namespace=Shop'],
    ['underscore', '?namespace=team_a'],
    ['too long', `?namespace=${'a'.repeat(64)}`],
    ['leading dash', '?namespace=-shop'],
  ])('refuses a namespace that is not a DNS-1123 label (%s)', async (_name, query) => {
    const body = await expectError(await failures(ADMIN.name, query), 400, 'invalid-input', null);
    expect(body.error.message).toMatch(/^namespace: /);
  });

  it('refuses a context name with control characters', async () => {
    await expectError(await failures('sim\nadmin'), 400, 'invalid-input', null);
  });

  it('404 for an unknown context', async () => {
    const body = await expectError(await failures('prod'), 404, 'unknown-context', null);
    expect(body.error.message).toContain('the context "prod" is not in the kubeconfig');
  });

  it('401 for a token the cluster does not accept', async () => {
    await expectError(await failures(STRANGER.name), 401, 'unauthorized', 'Unauthorized');
  });

  it('502 for a cluster that is not reachable, naming its server', async () => {
    const body = await expectError(await failures('arn:aws:eks:eu-west-1:123456789012:cluster/down'), 502, 'unreachable', null);
    expect(body.error.message).toBe(`the cluster at ${downServer} is not reachable: connection refused — is it running? check the context's server`);
  });
});

describe('GET /api/contexts/{context}/namespaces/{namespace}/pods/{pod}', () => {
  it('answers the pod diagnosis', async () => {
    const response = await podDetail(ADMIN.name, 'shop', 'web-7d4b9c8f6d-x2x9k');
    expect(response.status).toBe(200);
    const body = (await response.json()) as PodDiagnosis;
    expect(body.containers[0]?.verdict?.code).toBe('secret-not-attached');
    expect(JSON.stringify(body)).not.toContain(REGISTRY_PASSWORD);
  });

  it('404 with the Kubernetes reason for a pod that does not exist', async () => {
    const body = await expectError(await podDetail(ADMIN.name, 'shop', 'nope'), 404, 'not-found', 'NotFound');
    expect(body.error.message).toContain('pods "nope" not found');
  });

  it.each([
    ['namespace', 'Shop', 'web'],
    ['pod', 'shop', 'Web_1'],
    ['pod', 'shop', `${'a'.repeat(254)}`],
  ])('refuses an invalid %s name', async (field, namespace, pod) => {
    const body = await expectError(await podDetail(ADMIN.name, namespace, pod), 400, 'invalid-input', null);
    expect(body.error.message.startsWith(`${field}: `)).toBe(true);
  });
});

describe('without any kubeconfig', () => {
  it('GET /api/contexts says how to provide one', async () => {
    const saved = { ...process.env };
    for (const name of ['PULLFIX_KUBECONFIG', 'KUBECONFIG', 'KUBERNETES_SERVICE_HOST']) delete process.env[name];
    process.env.HOME = path.join(directory, 'no-home');
    reloadKubeConfig();
    try {
      const body = await expectError(await getContexts(), 500, 'kubeconfig-missing', null);
      expect(body.error.message).toContain('no kubeconfig found');
    } finally {
      process.env = saved;
      reloadKubeConfig();
    }
  });
});
