import { NextResponse, type NextRequest } from 'next/server';
import { ApiError } from './lib/api/errors';
import { nextLoopTurn } from './lib/loop-turn';
import { ACCESS_COOKIE, ACCESS_TOKEN_ENV, decideAccess, isAccessToken, TOKEN_FIELD, type AccessDecision } from './lib/security/access';
import { declaresTooLarge, readBounded, tooLargeMessage } from './lib/security/bounded-body';
import { CSRF_COOKIE, readCookie } from './lib/security/csrf';
import { API_CACHE_CONTROL, contentSecurityPolicy, newCsrfToken, newNonce, STATIC_SECURITY_HEADERS } from './lib/security/headers';
import { hostPolicy, isAcceptedHost } from './lib/security/hosts';
import { peerAddress } from './lib/security/peer';
import { signInPage } from './lib/security/sign-in-page';

/** A sign-in form holds one token: far less than this. */
const MAX_SIGN_IN_BYTES = 4 * 1024;

/**
 * Runs before every request, pages, API and static files alike (Next 16's proxy, formerly middleware). It waits a
 * turn of the loop first, so that requests are served in the order they came (lib/loop-turn.ts); then the Host
 * allowlist that stops DNS rebinding, the access-token gate decided from the client's real address, the body
 * bound, then the CSP with a fresh nonce (set on the request too, which is where Next reads it to stamp its own
 * scripts), the other security headers, and the CSRF cookie mutations echo back. Answers that set a cookie or
 * carry an error are never cached.
 */
export async function proxy(request: NextRequest): Promise<Response> {
  await nextLoopTurn();
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === 'development');
  const response = await answer(request, nonce, csp);
  response.headers.set('Content-Security-Policy', csp);
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) response.headers.set(name, value);
  if (response.status >= 400 || response.headers.has('set-cookie')) response.headers.set('Cache-Control', cacheControl(request, response));
  return response;
}

/**
 * What the proxy says of caching where it must say something. A header set here is the one sent: Next does not
 * replace it with the route's, so an API answer passed on to its route says what the route would (respond()).
 */
function cacheControl(request: NextRequest, response: Response): string {
  return response.status < 400 && request.nextUrl.pathname.startsWith('/api/') ? API_CACHE_CONTROL : 'no-store';
}

async function answer(request: NextRequest, nonce: string, csp: string): Promise<Response> {
  const token = process.env[ACCESS_TOKEN_ENV] || null;
  const host = request.headers.get('host');
  if (!isAcceptedHost(host, hostPolicy(process.env, token !== null))) {
    return new ApiError('host-not-accepted', 421, 'pullfix does not answer requests for this host name; open it by the address it listens on', 'MisdirectedRequest').toResponse();
  }
  if (hasMalformedEscape(request.nextUrl.pathname)) {
    return new ApiError('invalid-input', 400, 'the path holds a malformed percent escape', 'BadRequest').toResponse();
  }
  const access = decideAccess(
    { method: request.method, pathname: request.nextUrl.pathname, headers: request.headers, peer: peerAddress(request.headers) },
    token,
  );
  if (access.kind === 'sign-in') return signIn(request, token ?? '', nonce);
  if (access.kind === 'denied' || access.kind === 'refused') return accessDenied(request, access, nonce);
  if (request.nextUrl.pathname.startsWith('/api/') && request.method !== 'GET' && request.method !== 'HEAD') {
    if (declaresTooLarge(request.headers.get('content-length')) || (await readBounded(request.body)).kind === 'too-large') {
      return new ApiError('invalid-input', 413, tooLargeMessage(), 'RequestEntityTooLarge').toResponse();
    }
  }
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('Content-Security-Policy', csp);
  requestHeaders.set('x-nonce', nonce);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  if (readCookie(request.headers.get('cookie'), CSRF_COOKIE) === null) {
    // Not HttpOnly: the page's script reads it to echo it in the header (double submit).
    response.cookies.set(CSRF_COOKIE, newCsrfToken(), { httpOnly: false, sameSite: 'strict', secure: isHttps(request), path: '/' });
  }
  return response;
}

/** The sign-in form POSTs the token to the page it guards; the answer sets the cookie and sends the browser back there. */
async function signIn(request: NextRequest, expected: string, nonce: string): Promise<Response> {
  const body = await readBounded(request.body, MAX_SIGN_IN_BYTES);
  const offered = body.kind === 'body' ? new URLSearchParams(new TextDecoder().decode(body.bytes)).get(TOKEN_FIELD) : null;
  if (offered === null || !isAccessToken(offered, expected)) return accessDenied(request, { kind: 'denied', reason: 'invalid' }, nonce);
  // Back to the name the browser used, which the Host check has accepted (Next rewrites 127.0.0.1 in nextUrl).
  const back = new URL(request.nextUrl.pathname, `${isHttps(request) ? 'https' : 'http'}://${request.headers.get('host')}`);
  const response = NextResponse.redirect(back, 303);
  response.cookies.set(ACCESS_COOKIE, expected, { httpOnly: true, sameSite: 'strict', secure: isHttps(request), path: '/' });
  return response;
}

function accessDenied(request: NextRequest, access: Extract<AccessDecision, { kind: 'denied' | 'refused' }>, nonce: string): Response {
  const headers = { 'WWW-Authenticate': 'Bearer realm="pullfix"' };
  if (access.kind === 'refused') {
    return new ApiError(
      'access-token-required',
      401,
      'this pullfix answers only its own machine: it has no access token configured for clients elsewhere (set PULLFIX_ACCESS_TOKEN)',
      'Unauthorized',
    ).toResponse(headers);
  }
  if (request.nextUrl.pathname.startsWith('/api/')) {
    const message =
      access.reason === 'missing'
        ? 'this pullfix needs its access token: sign in on its page, or send Authorization: Bearer <token>'
        : 'the access token is not valid';
    return new ApiError('access-token-required', 401, message, 'Unauthorized').toResponse(headers);
  }
  const html = signInPage({ action: request.nextUrl.pathname, invalid: access.reason === 'invalid', nonce });
  return new NextResponse(html, { status: 401, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' } });
}

/** A `%` not followed by two hex digits, or escapes that are not UTF-8: the framework would fail with a bare 500. */
function hasMalformedEscape(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

function isHttps(request: NextRequest): boolean {
  return request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
}
