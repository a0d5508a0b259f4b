import { NextRequest } from 'next/server';
import { afterEach, describe, expect, it } from 'vitest';
import { proxy } from '../../proxy';
import { ACCESS_COOKIE } from '../../lib/security/access';
import { CSRF_COOKIE } from '../../lib/security/csrf';

const TOKEN = 'proxy-test-token-5b1e9c';
const ORIGIN = 'http://192.0.2.10:3000';

afterEach(() => {
  delete process.env.PULLFIX_ACCESS_TOKEN;
});

const request = (path: string, headers: Record<string, string> = {}) => new NextRequest(`${ORIGIN}${path}`, { headers });

function expectSecurityHeaders(response: Response): string {
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  return csp;
}

describe('proxy without an access token (loopback)', () => {
  it('passes the request on with a fresh nonce on the request CSP, and the same CSP on the response', () => {
    const response = proxy(request('/'));
    const csp = expectSecurityHeaders(response);
    expect(response.headers.get('x-middleware-next')).toBe('1');
    expect(response.headers.get('x-middleware-request-content-security-policy')).toBe(csp);
    const nonce = csp.match(/'nonce-([^']+)'/)?.[1];
    expect(response.headers.get('x-middleware-request-x-nonce')).toBe(nonce);
    const second = proxy(request('/')).headers.get('content-security-policy');
    expect(second).not.toBe(csp);
  });

  it('sets a readable SameSite=Strict CSRF cookie once', () => {
    const first = proxy(request('/')).headers.get('set-cookie') ?? '';
    expect(first).toMatch(new RegExp(`^${CSRF_COOKIE}=[A-Za-z0-9_-]{40,}; Path=/; SameSite=strict`, 'i'));
    expect(first).not.toMatch(/HttpOnly/i);
    expect(proxy(request('/', { cookie: `${CSRF_COOKIE}=abc` })).headers.get('set-cookie')).toBeNull();
  });
});

describe('proxy body limit', () => {
  it('refuses an API body declared larger than 64 KiB with 413, and lets pages and small bodies through', async () => {
    const post = (path: string, length: number) =>
      proxy(new NextRequest(`${ORIGIN}${path}`, { method: 'POST', headers: { 'content-length': String(length) }, body: 'x' }));
    const refused = post('/api/registry/check', 64 * 1024 + 1);
    expect(refused.status).toBe(413);
    expectSecurityHeaders(refused);
    expect(((await refused.json()) as { error: { status: number } }).error.status).toBe(413);
    expect(post('/api/registry/check', 64 * 1024).headers.get('x-middleware-next')).toBe('1');
    expect(post('/sign-in', 10_000_000).headers.get('x-middleware-next')).toBe('1');
  });
});

describe('proxy with an access token', () => {
  it('answers an API request without the token with 401 and the JSON error shape', async () => {
    process.env.PULLFIX_ACCESS_TOKEN = TOKEN;
    const response = proxy(request('/api/contexts'));
    expect(response.status).toBe(401);
    expectSecurityHeaders(response);
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ code: 'access-token-required', status: 401, reason: 'Unauthorized' });
    expect(JSON.stringify(body)).not.toContain(TOKEN);
  });

  it('answers a page request without the token with 401 and a sign-in page without scripts', async () => {
    process.env.PULLFIX_ACCESS_TOKEN = TOKEN;
    const response = proxy(request('/contexts/prod'));
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('Sign in to pullfix');
    expect(html).toContain('action="/contexts/prod"');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain(TOKEN);
    const wrong = proxy(request('/', { cookie: `${ACCESS_COOKIE}=guess` }));
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('not valid');
  });

  it('lets the cookie or bearer holder through, and the health probe without', () => {
    process.env.PULLFIX_ACCESS_TOKEN = TOKEN;
    expect(proxy(request('/api/contexts', { cookie: `${ACCESS_COOKIE}=${TOKEN}` })).headers.get('x-middleware-next')).toBe('1');
    expect(proxy(request('/', { authorization: `Bearer ${TOKEN}` })).headers.get('x-middleware-next')).toBe('1');
    expect(proxy(request('/api/health')).headers.get('x-middleware-next')).toBe('1');
  });

  it('turns the sign-in link into an HttpOnly SameSite=Strict cookie and a redirect without the token', () => {
    process.env.PULLFIX_ACCESS_TOKEN = TOKEN;
    const response = proxy(request(`/contexts/prod?token=${TOKEN}`));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${ORIGIN}/contexts/prod`);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^${ACCESS_COOKIE}=${TOKEN}; Path=/;`));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=strict/i);
    expect(proxy(request('/?token=wrong')).status).toBe(401);
  });
});
