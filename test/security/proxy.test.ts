import { NextRequest } from 'next/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { proxy } from '../../proxy';
import { ACCESS_COOKIE } from '../../lib/security/access';
import { CSRF_COOKIE } from '../../lib/security/csrf';
import { installPeerKey, PEER_HEADER } from '../../lib/security/peer';

const TOKEN = 'proxy-test-token-5b1e9c';
const PEER_KEY = 'proxy-test-peer-key';
const LOCAL = '127.0.0.1';
const REMOTE = '192.0.2.10';

installPeerKey(PEER_KEY);

beforeEach(() => {
  process.env.PORT = '3000';
});

afterEach(() => {
  delete process.env.PULLFIX_ACCESS_TOKEN;
  delete process.env.PULLFIX_ALLOWED_HOSTS;
  delete process.env.PORT;
});

interface Options {
  host?: string;
  peer?: string | null;
  method?: string;
  headers?: Record<string, string>;
  body?: BodyInit;
}

function request(path: string, { host = '127.0.0.1:3000', peer = LOCAL, method = 'GET', headers = {}, body }: Options = {}): NextRequest {
  const stamp: Record<string, string> = peer === null ? {} : { [PEER_HEADER]: `${PEER_KEY} ${peer}` };
  return new NextRequest(`http://${host || '127.0.0.1:3000'}${path}`, { method, headers: { host, ...stamp, ...headers }, body, duplex: 'half' } as ConstructorParameters<typeof NextRequest>[1]);
}

function expectSecurityHeaders(response: Response): string {
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  return csp;
}

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe('proxy without an access token (loopback)', () => {
  it('passes the request on with a fresh nonce on the request CSP, and the same CSP on the response', async () => {
    const response = await proxy(request('/'));
    const csp = expectSecurityHeaders(response);
    expect(response.headers.get('x-middleware-next')).toBe('1');
    expect(response.headers.get('x-middleware-request-content-security-policy')).toBe(csp);
    const nonce = csp.match(/'nonce-([^']+)'/)?.[1];
    expect(response.headers.get('x-middleware-request-x-nonce')).toBe(nonce);
    const second = (await proxy(request('/'))).headers.get('content-security-policy');
    expect(second).not.toBe(csp);
  });

  it('sets a readable SameSite=Strict CSRF cookie once, on an answer nothing may cache', async () => {
    const response = await proxy(request('/'));
    const first = response.headers.get('set-cookie') ?? '';
    expect(first).toMatch(new RegExp(`^${CSRF_COOKIE}=[A-Za-z0-9_-]{40,}; Path=/; SameSite=strict`, 'i'));
    expect(first).not.toMatch(/HttpOnly/i);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await proxy(request('/', { headers: { cookie: `${CSRF_COOKIE}=abc` } }))).headers.get('set-cookie')).toBeNull();
  });

  it('says of an API answer it sets the cookie on what the route says: never stored, never compressed', async () => {
    const response = await proxy(request('/api/contexts'));
    expect(response.headers.get('set-cookie')).toMatch(new RegExp(`^${CSRF_COOKIE}=`));
    expect(response.headers.get('cache-control')).toBe('no-store, no-transform');
  });

  it.each(['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'LOCALHOST:3000'])('accepts the loopback name %s with the listening port', async (host) => {
    expect((await proxy(request('/', { host }))).headers.get('x-middleware-next')).toBe('1');
  });

  it('refuses a client beyond loopback, or one whose address the process cannot tell, with 401 and no cookie', async () => {
    for (const peer of [REMOTE, '::ffff:10.1.2.3', null]) {
      for (const path of ['/', '/api/contexts', '/_next/static/chunks/main.js']) {
        const response = await proxy(request(path, { peer }));
        expect(response.status, `${path} from ${peer}`).toBe(401);
        expectSecurityHeaders(response);
        expect(response.headers.get('set-cookie')).toBeNull();
        expect(await errorCode(response)).toBe('access-token-required');
      }
    }
    const forged = await proxy(request('/api/contexts', { peer: null, headers: { [PEER_HEADER]: 'guessed-key 127.0.0.1' } }));
    expect(forged.status).toBe(401);
  });
});

describe('proxy Host allowlist (DNS rebinding)', () => {
  const rebinding: [string, Options & { path: string }][] = [
    ['a page', { path: '/', host: 'evil.example:3000' }],
    ['an API read', { path: '/api/contexts/sim-admin/failures', host: 'evil.example:3000' }],
    ['static files', { path: '/_next/static/chunks/main.js', host: 'evil.example:3000' }],
    [
      'a mutation with the cookie echoed',
      {
        path: '/api/contexts/sim-admin/namespaces/default/fixes',
        host: 'evil.example:3000',
        method: 'POST',
        headers: { origin: 'http://evil.example:3000', 'content-type': 'application/json', cookie: `${CSRF_COOKIE}=x`, 'x-pullfix-csrf': 'x' },
        body: '{}',
      },
    ],
    ['another port of a loopback name', { path: '/', host: '127.0.0.1:4000' }],
    ['no Host at all', { path: '/', host: '' }],
  ];

  it.each(rebinding)('answers %s for a foreign Host with 421, the security headers and no cookie', async (_name, { path, ...options }) => {
    const response = await proxy(request(path, options));
    expect(response.status).toBe(421);
    expectSecurityHeaders(response);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await errorCode(response)).toBe('host-not-accepted');
  });

  it('ignores PULLFIX_ALLOWED_HOSTS while no token is configured', async () => {
    process.env.PULLFIX_ALLOWED_HOSTS = 'pullfix.example.com';
    expect((await proxy(request('/', { host: 'pullfix.example.com' }))).status).toBe(421);
  });

  it('serves a configured host only with the token', async () => {
    process.env.PULLFIX_ACCESS_TOKEN = TOKEN;
    process.env.PULLFIX_ALLOWED_HOSTS = 'pullfix.example.com, localhost:8080';
    const host = 'pullfix.example.com';
    expect((await proxy(request('/', { host, peer: REMOTE }))).status).toBe(401);
    expect((await proxy(request('/', { host, peer: REMOTE, headers: { cookie: `${ACCESS_COOKIE}=${TOKEN}` } }))).headers.get('x-middleware-next')).toBe('1');
    expect((await proxy(request('/', { host: 'localhost:8080', headers: { authorization: `Bearer ${TOKEN}` } }))).headers.get('x-middleware-next')).toBe('1');
    expect((await proxy(request('/', { host: 'localhost:8081', headers: { authorization: `Bearer ${TOKEN}` } }))).status).toBe(421);
    expect((await proxy(request('/', { host: 'evil.example', headers: { authorization: `Bearer ${TOKEN}` } }))).status).toBe(421);
  });
});

describe('proxy body limit', () => {
  const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) => proxy(request(path, { method: 'POST', headers, body }));

  it('refuses an API body declared larger than 64 KiB with 413, and lets pages and small bodies through', async () => {
    const refused = await post('/api/registry/check', 'x', { 'content-length': String(64 * 1024 + 1) });
    expect(refused.status).toBe(413);
    expectSecurityHeaders(refused);
    expect(((await refused.json()) as { error: { status: number } }).error.status).toBe(413);
    expect((await post('/api/registry/check', 'x'.repeat(64 * 1024))).headers.get('x-middleware-next')).toBe('1');
  });

  it('counts a chunked body while it streams and refuses it one byte past the limit', async () => {
    let sent = 0;
    const chunked = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 16 * 1024;
        controller.enqueue(new Uint8Array(16 * 1024));
        if (sent >= 10 * 1024 * 1024) controller.close();
      },
    });
    const refused = await post('/api/contexts/sim-admin/namespaces/default/fixes', chunked);
    expect(refused.status).toBe(413);
    expect(sent).toBeLessThan(256 * 1024);
  });
});

describe('proxy with an access token', () => {
  it('answers an API request without the token with 401 and the JSON error shape', async () => {
    process.env.PULLFIX_ACCESS_TOKEN = TOKEN;
    const response = await proxy(request('/api/contexts'));
    expect(response.status).toBe(401);
    expectSecurityHeaders(response);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ code: 'access-token-required', status: 401, reason: 'Unauthorized' });
    expect(JSON.stringify(body)).not.toContain(TOKEN);
  });

  it('answers a page request without the token with 401 and a sign-in page that POSTs, without scripts', async () => {
    process.env.PULLFIX_ACCESS_TOKEN = TOKEN;
    const response = await proxy(request('/contexts/prod', { peer: REMOTE }));
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('Sign in to pullfix');
    expect(html).toContain('<form method="post" action="/contexts/prod">');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain(TOKEN);
    const wrong = await proxy(request('/', { headers: { cookie: `${ACCESS_COOKIE}=guess` } }));
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('not valid');
  });

  it('lets the cookie or bearer holder through, and the health probe without', async () => {
    process.env.PULLFIX_ACCESS_TOKEN = TOKEN;
    expect((await proxy(request('/api/contexts', { peer: REMOTE, headers: { cookie: `${ACCESS_COOKIE}=${TOKEN}` } }))).headers.get('x-middleware-next')).toBe('1');
    expect((await proxy(request('/', { headers: { authorization: `Bearer ${TOKEN}` } }))).headers.get('x-middleware-next')).toBe('1');
    expect((await proxy(request('/api/health', { peer: REMOTE }))).headers.get('x-middleware-next')).toBe('1');
  });

  it('signs in by a POSTed form: an HttpOnly SameSite=Strict cookie, a 303 nothing caches, and no token in any URL', async () => {
    process.env.PULLFIX_ACCESS_TOKEN = TOKEN;
    const form = (token: string) =>
      proxy(request('/contexts/prod', { peer: REMOTE, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${encodeURIComponent(token)}` }));
    const response = await form(TOKEN);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:3000/contexts/prod');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^${ACCESS_COOKIE}=${TOKEN}; Path=/;`));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=strict/i);
    expect((await form('wrong')).status).toBe(401);
    expect((await proxy(request(`/contexts/prod?token=${TOKEN}`, { peer: REMOTE }))).status).toBe(401);
  });
});

describe('proxy paths', () => {
  it.each(['/api/contexts/%zz/failures', '/contexts/%', '/contexts/a%2', '/api/contexts/%G0', '/contexts/%ff', '/contexts/%C0%AF'])('answers the malformed escape in %s with 400 in the JSON error shape', async (path) => {
    const response = await proxy(request(path));
    expect(response.status).toBe(400);
    expectSecurityHeaders(response);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await errorCode(response)).toBe('invalid-input');
  });
});
