import { execFile } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../registry/servers';
import { startProductionServer, type ProductionServer } from './production-server';

/**
 * The attacks of issue 10 against the production server as `next start` runs it, over real sockets: a DNS
 * rebinding page, a client beyond loopback, huge chunked bodies, malformed escapes and aborted requests.
 */

const SECURITY_HEADERS = ['content-security-policy', 'referrer-policy', 'x-content-type-options', 'x-frame-options'];

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(port: number, options: { path: string; method?: string; headers?: Record<string, string>; body?: string; chunks?: { size: number; count: number } }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: options.path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    // The server may answer 413 and close before a big upload ends: the answer is what counts.
    request.on('error', (error) => ((error as { code?: string }).code === 'EPIPE' || (error as { code?: string }).code === 'ECONNRESET' ? undefined : reject(error)));
    if (options.chunks) {
      const chunk = Buffer.alloc(options.chunks.size, 'a');
      let written = 0;
      const pump = () => {
        while (written < options.chunks!.count) {
          written += 1;
          if (!request.write(chunk)) return void request.once('drain', pump);
        }
        request.end();
      };
      pump();
    } else {
      request.end(options.body);
    }
  });
}

function expectSecurityHeaders(answer: Answer, what: string): void {
  for (const header of SECURITY_HEADERS) expect.soft(answer.headers[header], `${what}: ${header}`).toBeTruthy();
}

describe('the production server on 127.0.0.1', () => {
  let server: ProductionServer;
  let port: number;

  beforeAll(async () => {
    port = await freeLoopbackPort();
    server = await startProductionServer({ host: '127.0.0.1', port });
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('answers a DNS-rebinding page (Host evil.example) with 421 on a page, an API read and a mutation, and never issues a cookie', async () => {
    const evil = { host: `evil.example:${port}`, origin: `http://evil.example:${port}` };
    const attempts: [string, Parameters<typeof send>[1]][] = [
      ['page', { path: '/', headers: evil }],
      ['API read', { path: '/api/contexts/sim-admin/failures', headers: evil }],
      ['static file', { path: '/favicon.svg', headers: evil }],
      [
        'mutation with the cookie echoed',
        {
          path: '/api/contexts/sim-admin/namespaces/default/fixes',
          method: 'POST',
          headers: { ...evil, 'content-type': 'application/json', cookie: 'pullfix-csrf=abc', 'x-pullfix-csrf': 'abc' },
          body: JSON.stringify({ mode: 'apply', pod: 'nginx-david', container: 'nginx', source: { kind: 'existing', name: 'x' }, target: { kind: 'workload' } }),
        },
      ],
    ];
    for (const [what, request] of attempts) {
      const answer = await send(port, request);
      expect.soft(answer.status, what).toBe(421);
      expect.soft(answer.headers['set-cookie'], what).toBeUndefined();
      expect.soft(answer.headers['cache-control'], what).toBe('no-store');
      expectSecurityHeaders(answer, what);
    }
    const home = await send(port, { path: '/', headers: { host: `localhost:${port}` } });
    expect(home.status).toBe(200);
    expect(home.headers['set-cookie']?.[0]).toMatch(/^pullfix-csrf=/);
  });

  it('answers malformed escapes with a 400 in the JSON error shape, and decodes page params once', async () => {
    for (const path of ['/api/contexts/%zz/failures', '/contexts/%zz', '/api/contexts/sim-admin/namespaces/%E0%A4%A/pods/x']) {
      const answer = await send(port, { path, headers: { host: `127.0.0.1:${port}` } });
      expect.soft(answer.status, path).toBe(400);
      expect.soft(answer.headers['content-type'], path).toMatch(/^application\/json/);
      expect.soft(JSON.parse(answer.body).error.code, path).toBe('invalid-input');
      expectSecurityHeaders(answer, path);
    }
    const twice = await send(port, { path: '/contexts/%25zz', headers: { host: `127.0.0.1:${port}` } });
    expect(twice.body).toContain('<title>Failures in %zz');
    expect(server.output()).not.toMatch(/URIError/);
  });

  it('refuses 1 MB and 10 MB chunked bodies with 413 while they stream, and its memory grows by less than 50 MB', async () => {
    const before = server.rss();
    const headers = { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' };
    const uploads = [
      send(port, { path: '/api/registry/check', method: 'POST', headers, chunks: { size: 64 * 1024, count: 16 } }),
      ...Array.from({ length: 5 }, () => send(port, { path: '/api/contexts/sim-admin/namespaces/default/fixes', method: 'POST', headers, chunks: { size: 64 * 1024, count: 160 } })),
    ];
    for (const answer of await Promise.all(uploads)) {
      expect.soft(answer.status).toBe(413);
      expect.soft(JSON.parse(answer.body).error.reason).toBe('RequestEntityTooLarge');
      expectSecurityHeaders(answer, '413');
    }
    expect(server.rss() - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('logs aborted requests as structured, rate-limited lines, never a stack', async () => {
    const aborts = Array.from({ length: 20 }, () =>
      new Promise<void>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nhalf a body`);
          setTimeout(() => socket.destroy(), 100);
        });
        socket.on('close', () => resolve());
      }),
    );
    await Promise.all(aborts);
    await expect.poll(() => server.output()).toMatch(/"msg":"a client aborted its request"/);
    const lines = server.output().split('\n');
    expect(lines.filter((line) => line.includes('a client aborted its request')).length).toBeLessThanOrEqual(6);
    expect(server.output()).not.toMatch(/Error: aborted|ECONNRESET|Request body exceeded/);
  });
});

const run = promisify(execFile);

/**
 * `next start -H 0.0.0.0` inside a network namespace the test creates, with a non-loopback address of its own
 * (192.0.2.1, TEST-NET-1) on that namespace's loopback device: a request to that address reaches the server
 * from a non-loopback client address without any traffic leaving the namespace.
 */
describe('next start -H 0.0.0.0, asked from a non-loopback address', () => {
  const ADDRESS = '192.0.2.1';
  const PORT = 3000;
  let server: ProductionServer;

  const inNamespace = async (url: string, headers: Record<string, string> = {}) => {
    // node:http, not fetch: fetch does not let a caller choose the Host header.
    const script = `require('node:http').get(${JSON.stringify(url)}, { headers: ${JSON.stringify(headers)} }, (r) => { let b = ''; r.on('data', (c) => (b += c)); r.on('end', () => console.log(r.statusCode, JSON.stringify(b))); })`;
    const { stdout } = await run('nsenter', ['-t', String(server.child.pid), '-n', process.execPath, '-e', script]);
    const [status, ...rest] = stdout.trim().split(' ');
    return { status: Number(status), body: JSON.parse(rest.join(' ')) as string };
  };

  const start = async (env: Record<string, string>) =>
    startProductionServer({
      host: '0.0.0.0',
      port: PORT,
      env,
      wrap: (command) => ['unshare', '-n', 'sh', '-c', `ip link set lo up && ip addr add ${ADDRESS}/32 dev lo && exec "$@"`, 'sh', ...command],
    });

  afterAll(async () => {
    await server?.stop();
  });

  it('without a token configured, refuses the non-loopback client and serves loopback', async () => {
    server = await start({});
    const remote = await inNamespace(`http://${ADDRESS}:${PORT}/api/contexts`, { host: `localhost:${PORT}` });
    expect(remote.status).toBe(401);
    expect(JSON.parse(remote.body).error.code).toBe('access-token-required');
    expect((await inNamespace(`http://${ADDRESS}:${PORT}/`, { host: `localhost:${PORT}` })).status).toBe(401);
    expect((await inNamespace(`http://${ADDRESS}:${PORT}/`)).status).toBe(421);
    expect((await inNamespace(`http://127.0.0.1:${PORT}/`)).status).toBe(200);
    await server.stop();
  }, 120_000);

  it('with a token and the address allowed, answers the non-loopback client only with the token', async () => {
    const token = 'netns-test-token-8c1d2e3f4a';
    server = await start({ PULLFIX_ACCESS_TOKEN: token, PULLFIX_ALLOWED_HOSTS: `${ADDRESS}:${PORT}` });
    expect((await inNamespace(`http://${ADDRESS}:${PORT}/`)).status).toBe(401);
    expect((await inNamespace(`http://${ADDRESS}:${PORT}/`, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await inNamespace(`http://${ADDRESS}:${PORT}/`, { authorization: 'Bearer wrong-token-000000' })).status).toBe(401);
  }, 120_000);
});
