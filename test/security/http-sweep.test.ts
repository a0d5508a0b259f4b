import http from 'node:http';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../registry/servers';
import { discoverRoutes, ROOT, startDemoCluster, type ApiRoute, type DemoCluster } from './demo-app';
import { startProductionServer, type ProductionServer } from './production-server';

/**
 * The hostile-input sweep over HTTP: every route under app/api, and the pages, served by `next start` against
 * the demo cluster, hit with bad names, traversals, malformed and double escapes, huge and broken bodies and
 * foreign Hosts. Whatever the input, no answer is a 5xx, every answer carries the security headers, and none
 * names a file path of the server.
 */
let cluster: DemoCluster;
let server: ProductionServer;
let port: number;
let routes: ApiRoute[];

beforeAll(async () => {
  cluster = await startDemoCluster();
  port = await freeLoopbackPort();
  server = await startProductionServer({
    host: '127.0.0.1',
    port,
    env: { PULLFIX_KUBECONFIG: cluster.kubeconfig, PULLFIX_REGISTRY_CONFIG: cluster.registries },
  });
  routes = await discoverRoutes();
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await cluster?.close();
});

const SECURITY_HEADERS = ['content-security-policy', 'referrer-policy', 'x-content-type-options', 'x-frame-options'];
/** A path of this server (its checkout, its temporary files), a source location or a stack frame in an answer. */
const FILE_PATH = new RegExp([escape(ROOT), escape(`${tmpdir()}/`), '/proc/', String.raw`\.(?:ts|js|mjs|c):\d+`, 'node_modules', String.raw`(?:\n|\\n)\s+at `].join('|'));
/** Raw path segments, sent as they are: names a person could type, traversals, and escapes that do not decode. */
const SEGMENTS = [
  'sim-admin', 'no-such-context', '..', '%2e%2e', '..%2f..%2fetc', 'UPPER', 'has%20space', 'a'.repeat(300), '%00', 'semi;colon',
  '%zz', '%', '%E0%A4%A', '%25zz', '%ff', '%C0%AF', '%u0041', '%%32%65',
];
const BODIES = ['{"mode":', '[]', 'null', '"x"', JSON.stringify({ mode: 'preview', pod: 'x'.repeat(70_000) }), JSON.stringify({ context: 'sim-admin', image: 'nginx', credential: { kind: 'typed', username: 'u', password: 'p'.repeat(9_000) } })];

const DOT_SEGMENT = /\/(?:\.\.|%2e%2e)(?:[/ ?]|$)/i;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, 'content-type': 'application/json', cookie: 'pullfix-csrf=sweep', 'x-pullfix-csrf': 'sweep', ...options.headers };
    const request = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers, agent: false }, (response) => {
      let body = '';
      const answer = () => ({ status: response.statusCode ?? 0, headers: response.headers, body });
      // A live stream never ends: its headers and first event are what the sweep can judge.
      const streaming = String(response.headers['content-type'] ?? '').startsWith('text/event-stream');
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (streaming && body.includes('\n\n')) {
          resolve(answer());
          response.destroy();
        }
      });
      response.on('end', () => resolve(answer()));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

function paths(route: ApiRoute): string[] {
  const valid: Record<string, string> = { context: 'sim-admin', namespace: 'default', pod: 'nginx' };
  const fill = (overrides: Record<string, string>) => route.template.replace(/\[([^\]]+)\]/g, (_whole, name: string) => overrides[name] ?? valid[name] ?? 'x');
  const query = '?namespace=default&pod=nginx&container=nginx&kind=Deployment&name=nginx&after=2024-01-01T00:00:00Z';
  const list = [fill({}), `${fill({})}${query}`, `${fill({})}?namespace=%zz&container=%`];
  for (const param of route.params) for (const segment of SEGMENTS) list.push(fill({ [param]: segment }));
  if (route.params.length === 0) for (const segment of SEGMENTS) list.push(`${route.template}/${segment}`);
  return list;
}

describe('the hostile-input sweep over HTTP', () => {
  it('no 5xx, every security header, no file path, on every route and page', async () => {
    const exchanges: { what: string; answer: Answer }[] = [];
    const record = async (what: string, answer: Promise<Answer>) => exchanges.push({ what, answer: await answer });

    for (const route of routes) {
      for (const method of Object.keys(route.methods)) {
        for (const path of paths(route)) {
          if (method === 'GET' || method === 'HEAD') {
            await record(`${method} ${path}`, send(path, { method }));
          } else {
            for (const body of BODIES.slice(0, 2)) await record(`${method} ${path} ${body.slice(0, 20)}`, send(path, { method, body }));
          }
        }
        for (const body of BODIES) await record(`${method} ${route.template} body ${body.slice(0, 20)}`, send(paths(route)[0]!, { method: method === 'GET' ? 'POST' : method, body }));
        await record(`${method} ${route.template} from evil.example`, send(paths(route)[0]!, { method, headers: { host: 'evil.example', origin: 'http://evil.example' } }));
      }
    }
    for (const segment of SEGMENTS) {
      for (const path of [`/contexts/${segment}`, `/contexts/sim-admin/namespaces/${segment}/pods/${segment}`]) await record(`page ${path}`, send(path));
    }

    expect(exchanges.length).toBeGreaterThanOrEqual(300);
    for (const { what, answer } of exchanges) {
      expect.soft(answer.status, `${what}: ${answer.body.slice(0, 200)}`).toBeLessThan(500);
      // Next redirects dot segments (307/308 to the normalized path) before the proxy runs: the one answer
      // without the headers, and one that carries nothing.
      const normalized = DOT_SEGMENT.test(what) && (answer.status === 307 || answer.status === 308) && answer.body.length < 100;
      if (!normalized) for (const header of SECURITY_HEADERS) expect.soft(answer.headers[header], `${what}: ${header}`).toBeTruthy();
      expect.soft(answer.body, what).not.toMatch(FILE_PATH);
      expect.soft(answer.body, what).not.toContain(cluster.kubeconfig);
    }
    expect(server.output()).not.toMatch(/URIError|\n\s+at /);
  }, 600_000);
});
