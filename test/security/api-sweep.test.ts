import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiErrorJson, FailuresResponse } from '../../lib/api/types';
import { proxy } from '../../proxy';
import { kubectl } from './kubectl';
import { call, discoverRoutes, MUTATING_METHODS, ORIGIN, startDemoCluster, type ApiRoute, type DemoCluster } from './demo-app';
import { pointAppAtCluster } from '../support/app-cluster';

/**
 * Every endpoint under app/api, found at run time, against the demo scenario: cross-origin and token-less
 * mutations are refused, malformed input gets a 4xx in the one error shape, and no response body, header or
 * log line ever holds a secret value of the scenario.
 */

let cluster: DemoCluster;
let restoreApp = (): void => undefined;
let routes: ApiRoute[];
const logLines: string[] = [];
const exchanges: { what: string; status: number; text: string }[] = [];

beforeAll(async () => {
  cluster = await startDemoCluster();
  // Every registry of the demo is served here: the answers carry the credential checks the sweep must cover.
  restoreApp = pointAppAtCluster(cluster);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logLines.push(format(...args)));
  }
  routes = await discoverRoutes();
}, 90_000);

afterAll(async () => {
  vi.restoreAllMocks();
  restoreApp();
  await cluster?.close();
});

function route(template: string): ApiRoute {
  const found = routes.find((candidate) => candidate.template === template);
  if (!found) throw new Error(`no route ${template}; found: ${routes.map((r) => r.template).join(', ')}`);
  return found;
}

async function record(what: string, response: Promise<Response>): Promise<{ status: number; json: unknown }> {
  const answer = await response;
  const headers = [...answer.headers.entries()].map(([name, value]) => `${name}: ${value}`).join('\n');
  const text = await answer.text();
  exchanges.push({ what, status: answer.status, text: `${headers}\n\n${text}` });
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: answer.status, json };
}

const STACK_TRACE = /\n\s+at |\(\/[^)]*\.(ts|js|mjs):\d+|\bat [\w.]+ \(|node_modules|webpack|turbopack/i;

function errorOf(json: unknown): Partial<ApiErrorJson> | undefined {
  return typeof json === 'object' && json !== null ? (json as { error?: Partial<ApiErrorJson> }).error : undefined;
}

function expectClientError(what: string, result: { status: number; json: unknown }): void {
  expect.soft(result.status, `${what}: status ${JSON.stringify(result.json).slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect.soft(result.status, `${what}: status ${JSON.stringify(result.json).slice(0, 300)}`).toBeLessThan(500);
  const error = errorOf(result.json);
  expect.soft(error, `${what}: error body`).toMatchObject({ code: expect.any(String), message: expect.any(String), status: result.status });
  expect.soft(String(error?.message), `${what}: message`).not.toMatch(STACK_TRACE);
  expect.soft(String(error?.message).length, `${what}: message`).toBeGreaterThan(10);
}

describe('the route table', () => {
  it('finds every endpoint, the mutating ones included', () => {
    const templates = routes.map((r) => r.template);
    expect(templates).toEqual(expect.arrayContaining(['/api/contexts', '/api/contexts/[context]/failures', '/api/health', '/api/registry/check']));
    expect(routes.filter((r) => MUTATING_METHODS.some((m) => r.methods[m])).length).toBeGreaterThanOrEqual(1);
  });
});

describe('mutations from anywhere but pullfix\'s own pages are refused', () => {
  const variants: [string, Record<string, string>][] = [
    ['another origin', { origin: 'https://evil.example', 'content-type': 'application/json', cookie: 'pullfix-csrf=t0k3n-abcdef', 'x-pullfix-csrf': 't0k3n-abcdef' }],
    ['no CSRF token', { origin: ORIGIN, 'content-type': 'application/json' }],
    ['a CSRF header without the cookie', { origin: ORIGIN, 'content-type': 'application/json', 'x-pullfix-csrf': 't0k3n-abcdef' }],
    ['a form post', { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded', cookie: 'pullfix-csrf=t0k3n-abcdef', 'x-pullfix-csrf': 't0k3n-abcdef' }],
    ['no Origin, cross-site', { 'sec-fetch-site': 'cross-site', 'content-type': 'application/json', cookie: 'pullfix-csrf=t0k3n-abcdef', 'x-pullfix-csrf': 't0k3n-abcdef' }],
  ];

  it('with csrf-rejected 403, on every mutating handler', async () => {
    let checked = 0;
    for (const candidate of routes) {
      for (const method of MUTATING_METHODS) {
        if (!candidate.methods[method]) continue;
        for (const [variant, headers] of variants) {
          const what = `${method} ${candidate.template} (${variant})`;
          const result = await record(what, call(candidate, { method, params: { context: 'sim-admin', namespace: 'default', pod: 'x' }, headers, body: '{}' }));
          expect.soft(result.status, what).toBe(403);
          expect.soft(errorOf(result.json)?.code, what).toBe('csrf-rejected');
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(variants.length);
  });

  it('and, with an access token configured, without the token the proxy answers 401 first', async () => {
    process.env.PULLFIX_ACCESS_TOKEN = 'sweep-access-token-6c0f1e2d';
    try {
      for (const candidate of routes) {
        for (const method of MUTATING_METHODS) {
          if (!candidate.methods[method]) continue;
          const path = candidate.template.replace(/\[[^\]]+\]/g, 'x');
          const response = await proxy(new NextRequest(`${ORIGIN}${path}`, { method, headers: { host: '127.0.0.1:3000', origin: ORIGIN, 'content-type': 'application/json' }, body: '{}' }));
          expect.soft(response.status, `${method} ${path}`).toBe(401);
        }
      }
    } finally {
      delete process.env.PULLFIX_ACCESS_TOKEN;
    }
  });
});

describe('malformed input gets a 4xx with a clear message', () => {
  const BAD_NAMES = ['../../etc/passwd', '..', '%2e%2e%2f', 'UPPER', 'has space', 'a'.repeat(300), 'nul\u0000byte', 'semi;colon', ''];

  it('bad or traversing names in every path parameter, and unknown contexts', async () => {
    for (const candidate of routes) {
      if (candidate.params.length === 0) continue;
      for (const method of Object.keys(candidate.methods) as (keyof ApiRoute['methods'])[]) {
        if (method === 'HEAD') continue;
        const valid = { context: 'sim-admin', namespace: 'default', pod: 'nginx' };
        const cases: Record<string, string>[] = [{ ...valid, context: 'no-such-context' }];
        for (const param of candidate.params) {
          for (const bad of BAD_NAMES) if (!(param === 'context' && bad === '')) cases.push({ ...valid, [param]: bad });
        }
        for (const params of cases) {
          const what = `${method} ${candidate.template} ${JSON.stringify(params).slice(0, 120)}`;
          expectClientError(what, await record(what, call(candidate, { method, params, asPage: true, body: '{}' })));
        }
      }
    }
  });

  it('wrong types, broken JSON and huge bodies on every mutating handler', async () => {
    const bodies: [string, string][] = [
      ['broken JSON', '{"mode":'],
      ['an array', '[]'],
      ['null', 'null'],
      ['a number', '42'],
      ['a string', '"preview"'],
      ['wrong field types', JSON.stringify({ mode: 7, pod: ['a'], container: {}, image: 5, context: 1, credential: 'x', source: 3, target: null, tag: false })],
      ['an empty object', '{}'],
      ['a huge body', JSON.stringify({ mode: 'preview', context: 'sim-admin', image: 'nginx', pod: 'x'.repeat(2_000_000), credential: { kind: 'typed', username: 'u', password: 'p'.repeat(2_000_000) } })],
    ];
    for (const candidate of routes) {
      for (const method of MUTATING_METHODS) {
        if (!candidate.methods[method]) continue;
        for (const [name, body] of bodies) {
          const what = `${method} ${candidate.template} with ${name}`;
          const params = { context: 'sim-admin', namespace: 'default', pod: 'nginx' };
          expectClientError(what, await record(what, call(candidate, { method, params, body, asPage: true })));
        }
      }
    }
  });

  it('bad query parameters on the endpoints that take them', async () => {
    const cases: [string, Record<string, string>][] = [
      ['/api/contexts/[context]/failures', { namespace: '../kube-system' }],
      ['/api/contexts/[context]/failures', { namespace: 'A'.repeat(70) }],
      ['/api/contexts/[context]/failures', { form: 'compact' }],
      ['/api/contexts/[context]/failures', { form: 'packed'.repeat(2_000) }],
      ['/api/contexts/[context]/namespaces/[namespace]/fixes/options', {}],
      ['/api/contexts/[context]/namespaces/[namespace]/fixes/options', { pod: '../x', container: 'web' }],
      ['/api/contexts/[context]/namespaces/[namespace]/fixes/progress', { kind: 'Secret', name: 'x', after: '2024-01-01T00:00:00Z' }],
      ['/api/contexts/[context]/namespaces/[namespace]/fixes/progress', { kind: 'Deployment', name: 'x', after: 'yesterday' }],
      ['/api/contexts/[context]/namespaces/[namespace]/pods/[pod]/registry', { container: '../../x' }],
      ['/api/contexts/[context]/namespaces/[namespace]/pods/[pod]/registry', {}],
    ];
    for (const [template, query] of cases) {
      const candidate = routes.find((r) => r.template === template);
      if (!candidate) continue;
      const what = `GET ${template}?${new URLSearchParams(query)}`;
      expectClientError(what, await record(what, call(candidate, { params: { context: 'sim-admin', namespace: 'default', pod: 'nginx' }, query })));
    }
  });
});

describe('the registry check is no request forger', () => {
  const TARGETS: [string, string][] = [
    ['aws-metadata', '169.254.169.254/latest/meta-data:1'],
    ['link-local', '169.254.10.20:5000/team/app:1'],
    ['gcp-metadata', 'metadata.google.internal/computemetadata/v1:1'],
    ['ipv6-link-local', '[fe80::1]:5000/team/app:1'],
    ['aws-metadata-v6', '[fd00:ec2::254]/latest:1'],
    ['alibaba-metadata', '100.100.100.200/latest/meta-data:1'],
  ];

  it('refuses link-local and cloud metadata hosts, even when a pod names them', async () => {
    const home = mkdtempSync(join(tmpdir(), 'pullfix-ssrf-'));
    try {
      const pods = TARGETS.map(([name, image]) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `ssrf-${name}`, namespace: 'default' },
        spec: { containers: [{ name: 'app', image }] },
      }));
      const created = await kubectl([`--kubeconfig=${cluster.kubeconfig}`, '--context=sim-admin', 'apply', '-f', '-'], {
        home,
        input: pods.map((pod) => JSON.stringify(pod)).join('\n'),
      });
      expect(created.stderr).toBe('');
      const check = route('/api/registry/check');
      const registry = route('/api/contexts/[context]/namespaces/[namespace]/pods/[pod]/registry');
      for (const [name, image] of TARGETS) {
        const pod = { namespace: 'default', name: `ssrf-${name}` };
        for (const credential of [{ kind: 'anonymous' }, { kind: 'typed', username: 'probe', password: 'probe-password' }]) {
          const what = `registry check ${image} (${credential.kind})`;
          const result = await record(what, call(check, { method: 'POST', body: { context: 'sim-admin', image, credential, pod }, asPage: true }));
          expectClientError(what, result);
          expect.soft(errorOf(result.json)?.message, what).toMatch(/does not contact .*(link-local|metadata)/);
        }
        const what = `pod registry info for ${image}`;
        const info = await record(what, call(registry, { params: { context: 'sim-admin', namespace: 'default', pod: pod.name }, query: { container: 'app' } }));
        expect.soft(JSON.stringify(info.json), what).toMatch(/does not contact .*(link-local|metadata)/);
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('no secret value of the demo scenario leaves the server', () => {
  it('through any endpoint driven with real inputs', async () => {
    const admin = 'sim-admin';
    await record('GET /api/contexts', call(route('/api/contexts')));
    await record('GET /api/health', call(route('/api/health')));
    await record('GET /api/identity', call(route('/api/identity')));
    const failures = await record('failures', call(route('/api/contexts/[context]/failures'), { params: { context: admin } }));
    expect(failures.status).toBe(200);
    await record('failures as viewer', call(route('/api/contexts/[context]/failures'), { params: { context: 'sim-viewer' } }));
    const packed = await record('failures, packed', call(route('/api/contexts/[context]/failures'), { params: { context: admin }, query: { form: 'packed' } }));
    expect(packed.status).toBe(200);
    const items = (failures.json as FailuresResponse).items;
    expect(items.length).toBeGreaterThan(10);

    const pods = new Map(items.map((item) => [`${item.namespace}/${item.pod}`, item]));
    let registryReads = 0;
    for (const item of pods.values()) {
      const params = { context: admin, namespace: item.namespace, pod: item.pod };
      const detail = await record(`pod ${item.namespace}/${item.pod}`, call(route('/api/contexts/[context]/namespaces/[namespace]/pods/[pod]'), { params }));
      expect.soft(detail.status, `pod ${item.namespace}/${item.pod}`).toBe(200);
      for (const template of ['/api/contexts/[context]/namespaces/[namespace]/fixes/options']) {
        const candidate = routes.find((r) => r.template === template);
        if (candidate) await record(`${template} ${item.pod}`, call(candidate, { params, query: { pod: item.pod, container: item.container } }));
      }
      const registry = routes.find((r) => r.template === '/api/contexts/[context]/namespaces/[namespace]/pods/[pod]/registry');
      if (registry && registryReads < 40) {
        registryReads += 1;
        await record(`registry ${item.pod}`, call(registry, { params, query: { container: item.container } }));
      }
    }

    const check = routes.find((r) => r.template === '/api/registry/check');
    if (check) {
      const typed: Record<string, { username: string; password: string }> = {
        'docker.io': { username: 'davidpuziol', password: 'Dav1d-pull-2024' },
        'ghcr.io': { username: 'acme-bot', password: 'ghp_acme-bot-token' },
        'registry.example.com:5000': { username: 'team-ci', password: 'team-ci-secret' },
      };
      const bodies = items
        // The forger test's pods name hosts pullfix refuses to contact; the scan wants real answers.
        .filter((item) => item.image !== null && !item.pod.startsWith('ssrf-'))
        .slice(0, 16)
        .flatMap((item) => {
          const base = { context: admin, image: item.imageInput, pod: { namespace: item.namespace, name: item.pod } };
          const login = typed[item.image!.registry] ?? { username: 'someone', password: 'Wr0ng-typed-password' };
          const secret = item.pullSecrets.attached[0];
          return [
            { ...base, credential: { kind: 'typed', ...login } },
            { ...base, credential: { kind: 'typed', username: login.username, password: 'Wr0ng-typed-password' } },
            secret ? { ...base, credential: { kind: 'secret', namespace: item.namespace, name: secret } } : { ...base, credential: { kind: 'anonymous' } },
          ];
        });
      for (const body of bodies) {
        const what = `registry check ${body.image} with ${body.credential.kind}`;
        const result = await record(what, call(check, { method: 'POST', body, asPage: true }));
        // A secret that is missing or unusable is refused with a 4xx that says why; that answer is scanned too.
        expect.soft([200, ...(body.credential.kind === 'secret' ? [400, 404] : [])], `${what}: ${JSON.stringify(result.json).slice(0, 300)}`).toContain(result.status);
      }
    }

    const nginxDavid = items.find((item) => item.namespace === 'default' && item.image?.repository === 'davidpuziol/nginx');
    const fixes = routes.find((r) => r.template === '/api/contexts/[context]/namespaces/[namespace]/fixes');
    if (fixes && nginxDavid) {
      for (const mode of ['preview', 'apply']) {
        const body = {
          mode,
          pod: nginxDavid.pod,
          container: nginxDavid.container,
          source: { kind: 'new', name: 'sweep-regcred', server: 'https://index.docker.io/v1/', username: 'davidpuziol', password: 'Dav1d-pull-2024' },
          target: { kind: 'workload' },
        };
        const result = await record(`fix ${mode}`, call(fixes, { method: 'POST', params: { context: admin, namespace: 'default' }, body, asPage: true }));
        expect.soft(result.status, `fix ${mode}: ${JSON.stringify(result.json).slice(0, 300)}`).toBe(200);
      }
      await record('failures after the fix', call(route('/api/contexts/[context]/failures'), { params: { context: admin } }));
      const progress = routes.find((r) => r.template === '/api/contexts/[context]/namespaces/[namespace]/fixes/progress');
      if (progress && nginxDavid.workload) {
        await record('progress', call(progress, {
          params: { context: admin, namespace: 'default' },
          query: { kind: nginxDavid.workload.kind, name: nginxDavid.workload.name, after: new Date(Date.now() - 60_000).toISOString() },
        }));
      }
    }

    const imageFixes = routes.find((r) => r.template === '/api/contexts/[context]/namespaces/[namespace]/image-fixes');
    const notFound = items.find((item) => item.verdict.code === 'tag-not-found');
    if (imageFixes && notFound) {
      const body = { mode: 'preview', pod: notFound.pod, container: notFound.container, tag: 'latest' };
      await record('image fix preview', call(imageFixes, { method: 'POST', params: { context: admin, namespace: notFound.namespace }, body, asPage: true }));
    }

    expect(exchanges.length).toBeGreaterThan(20);
    expect(cluster.secretValues).toEqual(expect.arrayContaining(['Dav1d-pull-2024', 'ghp_acme-bot-token', 'team-ci-secret']));
    const leaks: string[] = [];
    for (const secret of cluster.secretValues) {
      for (const exchange of exchanges) if (exchange.text.includes(secret)) leaks.push(`${exchange.what} (${exchange.status}) holds "${secret}"`);
      for (const line of logLines) if (line.includes(secret)) leaks.push(`log line holds "${secret}": ${line.slice(0, 200)}`);
    }
    expect(leaks).toEqual([]);
  }, 180_000);

  it('and every line the server logged went through the redacting logger (JSON lines)', () => {
    expect(logLines.length).toBeGreaterThan(0);
    const unstructured = logLines.filter((line) => {
      try {
        return typeof (JSON.parse(line) as { msg?: unknown }).msg !== 'string';
      } catch {
        return true;
      }
    });
    expect(unstructured).toEqual([]);
  });
});
