import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api/errors';
import { CSRF_COOKIE, CSRF_HEADER } from '../../lib/security/csrf';
import { assertMutationRequest } from '../../lib/security/mutation';

const TOKEN = 'c2VjcmV0LWNzcmYtdG9rZW4';
const URL_ = 'http://127.0.0.1:3000/api/contexts/sim-admin/namespaces/shop/fixes';

function mutation(overrides: { method?: string; headers?: Record<string, string | null> } = {}): Request {
  const base: Record<string, string | null> = {
    host: '127.0.0.1:3000',
    origin: 'http://127.0.0.1:3000',
    'content-type': 'application/json',
    cookie: `theme=dark; ${CSRF_COOKIE}=${TOKEN}`,
    [CSRF_HEADER]: TOKEN,
  };
  const headers = new Headers();
  for (const [name, value] of Object.entries({ ...base, ...overrides.headers })) if (value !== null) headers.set(name, value);
  const method = overrides.method ?? 'POST';
  return new Request(URL_, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : '{}' });
}

function rejection(request: Request): ApiError | null {
  try {
    assertMutationRequest(request);
    return null;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}

describe('assertMutationRequest', () => {
  // Next sets PORT to the port it listens on: the accepted origins are the loopback names with that port.
  beforeAll(() => {
    process.env.PORT = '3000';
  });
  afterAll(() => {
    delete process.env.PORT;
  });

  it('accepts a same-origin JSON POST that echoes the CSRF cookie', () => {
    expect(rejection(mutation())).toBeNull();
    expect(rejection(mutation({ headers: { 'content-type': 'application/json; charset=utf-8' } }))).toBeNull();
  });

  it('accepts a same-origin request without Origin when Sec-Fetch-Site says same-origin', () => {
    expect(rejection(mutation({ headers: { origin: null, 'sec-fetch-site': 'same-origin' } }))).toBeNull();
  });

  const refused: [string, Request, RegExp][] = [
    ['a GET', mutation({ method: 'GET' }), /POST/],
    ['a PUT', mutation({ method: 'PUT' }), /POST/],
    ['a form post', mutation({ headers: { 'content-type': 'application/x-www-form-urlencoded' } }), /application\/json/],
    ['text/plain (no preflight)', mutation({ headers: { 'content-type': 'text/plain' } }), /application\/json/],
    ['no content type', mutation({ headers: { 'content-type': null } }), /application\/json/],
    ['another origin', mutation({ headers: { origin: 'https://evil.example' } }), /another origin/],
    ['a rebinding page: Origin and Host both evil.example', mutation({ headers: { origin: 'http://evil.example:3000', host: 'evil.example:3000' } }), /another origin/],
    ['another port', mutation({ headers: { origin: 'http://127.0.0.1:4000' } }), /another origin/],
    ['an opaque origin', mutation({ headers: { origin: 'null' } }), /another origin/],
    ['a malformed origin', mutation({ headers: { origin: 'not a url' } }), /another origin/],
    ['no Origin and a cross-site fetch', mutation({ headers: { origin: null, 'sec-fetch-site': 'cross-site' } }), /another origin/],
    ['no Origin and no fetch metadata', mutation({ headers: { origin: null } }), /another origin/],
    ['no CSRF header', mutation({ headers: { [CSRF_HEADER]: null } }), /missing/],
    ['an empty CSRF header', mutation({ headers: { [CSRF_HEADER]: '' } }), /missing/],
    ['no CSRF cookie', mutation({ headers: { cookie: 'theme=dark' } }), /missing/],
    ['a header that differs from the cookie', mutation({ headers: { [CSRF_HEADER]: `${TOKEN}x` } }), /does not match/],
    ['a header that is a prefix of the cookie', mutation({ headers: { [CSRF_HEADER]: TOKEN.slice(0, 8) } }), /does not match/],
  ];

  it.each(refused)('refuses %s with csrf-rejected 403', (_name, request, message) => {
    const error = rejection(request);
    expect(error?.code).toBe('csrf-rejected');
    expect(error?.status).toBe(403);
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain(TOKEN);
  });
});
