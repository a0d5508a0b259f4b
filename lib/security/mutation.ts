import 'server-only';

import { ApiError } from '../api/errors';
import { constantTimeEqual } from './constant-time';
import { ACCESS_TOKEN_ENV } from './access';
import { CSRF_COOKIE, CSRF_HEADER, readCookie } from './csrf';
import { hostPolicy, isAcceptedHost } from './hosts';

/**
 * The gate in front of every mutating route (design §6): a POST with a JSON body, sent by a page of this very
 * origin, carrying the CSRF cookie's value in the CSRF header. A form on another site can send none of that:
 * it cannot set the content type to JSON without a preflight, cannot forge Origin, and cannot read the cookie.
 */
export function assertMutationRequest(request: Request): void {
  if (request.method !== 'POST') reject(`a change must be sent as POST, not ${request.method}`);
  if (!isJson(request.headers.get('content-type'))) reject('a change must be sent with Content-Type: application/json');
  if (!isSameOrigin(request)) reject('the request comes from another origin; changes are accepted only from pullfix\'s own pages');
  const cookie = readCookie(request.headers.get('cookie'), CSRF_COOKIE);
  const header = request.headers.get(CSRF_HEADER);
  if (cookie === null || header === null || header.length === 0) {
    reject(`the CSRF token is missing (the ${CSRF_HEADER} header must echo the ${CSRF_COOKIE} cookie); reload the page and try again`);
  }
  if (!constantTimeEqual(header, cookie)) reject('the CSRF token does not match; reload the page and try again');
}

function reject(message: string): never {
  throw new ApiError('csrf-rejected', 403, message);
}

function isJson(contentType: string | null): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

/**
 * Origin must be one of the names pullfix answers — never compared with the request's own Host, which a
 * rebinding page chooses. Browsers that omit Origin on same-origin requests still send Sec-Fetch-Site.
 */
function isSameOrigin(request: Request): boolean {
  const origin = request.headers.get('origin');
  if (origin !== null && origin !== 'null') return isAcceptedHost(hostOf(origin), hostPolicy(process.env, Boolean(process.env[ACCESS_TOKEN_ENV])));
  return origin === null && request.headers.get('sec-fetch-site') === 'same-origin';
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}
