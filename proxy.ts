import { NextResponse, type NextRequest } from 'next/server';
import { ACCESS_COOKIE, ACCESS_TOKEN_ENV, decideAccess } from './lib/security/access';
import { CSRF_COOKIE, readCookie } from './lib/security/csrf';
import { contentSecurityPolicy, newCsrfToken, newNonce, STATIC_SECURITY_HEADERS } from './lib/security/headers';
import { signInPage } from './lib/security/sign-in-page';

const MAX_BODY_BYTES = 64 * 1024;

/**
 * Runs before every request (Next 16's proxy, formerly middleware): the access-token gate when pullfix listens
 * beyond loopback, the CSP with a fresh nonce (set on the request too, which is where Next reads it to stamp
 * its own scripts), the other security headers, and the CSRF cookie mutations echo back.
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === 'development');
  const access = decideAccess(request.nextUrl, request.headers, process.env[ACCESS_TOKEN_ENV]);
  const secure = isHttps(request);

  let response: NextResponse;
  if (access.kind === 'denied') {
    response = accessDenied(request, access.reason, nonce);
  } else if (declaredBodyTooLarge(request)) {
    response = NextResponse.json(
      { error: { code: 'invalid-input', message: `the request body is larger than ${MAX_BODY_BYTES} bytes`, reason: 'RequestEntityTooLarge', status: 413 } },
      { status: 413, headers: { 'Cache-Control': 'no-store' } },
    );
  } else if (access.kind === 'sign-in') {
    response = NextResponse.redirect(access.redirectTo, 303);
    response.cookies.set(ACCESS_COOKIE, process.env[ACCESS_TOKEN_ENV] ?? '', {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/',
    });
  } else {
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set('Content-Security-Policy', csp);
    requestHeaders.set('x-nonce', nonce);
    response = NextResponse.next({ request: { headers: requestHeaders } });
    if (readCookie(request.headers.get('cookie'), CSRF_COOKIE) === null) {
      // Not HttpOnly: the page's script reads it to echo it in the header (double submit).
      response.cookies.set(CSRF_COOKIE, newCsrfToken(), { httpOnly: false, sameSite: 'strict', secure, path: '/' });
    }
  }

  response.headers.set('Content-Security-Policy', csp);
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) response.headers.set(name, value);
  return response;
}

function accessDenied(request: NextRequest, reason: 'missing' | 'invalid', nonce: string): NextResponse {
  const headers = { 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Bearer realm="pullfix"' };
  if (request.nextUrl.pathname.startsWith('/api/')) {
    const message =
      reason === 'missing'
        ? 'this pullfix needs its access token: open the sign-in link printed at start, or send Authorization: Bearer <token>'
        : 'the access token is not valid';
    return NextResponse.json(
      { error: { code: 'access-token-required', message, reason: 'Unauthorized', status: 401 } },
      { status: 401, headers },
    );
  }
  const html = signInPage({ action: request.nextUrl.pathname, invalid: reason === 'invalid', nonce });
  return new NextResponse(html, { status: 401, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' } });
}

/** Every API body is a small JSON form; refusing big ones before a handler reads them bounds memory per request. */
function declaredBodyTooLarge(request: NextRequest): boolean {
  const length = Number(request.headers.get('content-length') ?? 0);
  return request.nextUrl.pathname.startsWith('/api/') && Number.isFinite(length) && length > MAX_BODY_BYTES;
}

function isHttps(request: NextRequest): boolean {
  return request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
}
