import { constantTimeEqual } from './constant-time';
import { readCookie } from './csrf';
import { isLoopbackAddress } from './peer';

/**
 * The access-token gate (design §6). A client on loopback needs no token unless one is configured; any other
 * client — or one whose address the process cannot tell — must prove it holds the token, by the HttpOnly cookie
 * the sign-in form sets or an `Authorization: Bearer` header for scripts. Without a configured token such a
 * client is refused outright: pullfix never serves the network unguarded, whatever started it.
 */
export const ACCESS_TOKEN_ENV = 'PULLFIX_ACCESS_TOKEN';
export const ACCESS_COOKIE = 'pullfix-access';
/** The sign-in form's field; the token travels in a POST body, never in a URL. */
export const TOKEN_FIELD = 'token';

/** Kubelet probes carry no cookie; health answers say nothing about the cluster. */
const OPEN_PATHS = new Set(['/api/health']);

export type AccessDecision =
  | { kind: 'open' }
  | { kind: 'granted' }
  /** A POSTed sign-in form: the caller reads the token from the body and checks it with `isAccessToken`. */
  | { kind: 'sign-in' }
  | { kind: 'denied'; reason: 'missing' | 'invalid' }
  /** A client beyond loopback (or of unknown address) while no token is configured. */
  | { kind: 'refused'; peer: string | null };

export interface AccessRequest {
  method: string;
  pathname: string;
  headers: { get(name: string): string | null };
  /** The socket's remote address, or null when the process cannot tell. */
  peer: string | null;
}

export function decideAccess(request: AccessRequest, expected: string | null | undefined): AccessDecision {
  if (OPEN_PATHS.has(request.pathname)) return { kind: 'open' };
  if (!expected) {
    return request.peer !== null && isLoopbackAddress(request.peer) ? { kind: 'open' } : { kind: 'refused', peer: request.peer };
  }
  if (request.method === 'POST' && !request.pathname.startsWith('/api/') && isForm(request.headers.get('content-type'))) {
    return { kind: 'sign-in' };
  }
  const presented = readCookie(request.headers.get('cookie'), ACCESS_COOKIE) ?? bearerToken(request.headers.get('authorization'));
  if (presented === null) return { kind: 'denied', reason: 'missing' };
  return isAccessToken(presented, expected) ? { kind: 'granted' } : { kind: 'denied', reason: 'invalid' };
}

export function isAccessToken(offered: string, expected: string): boolean {
  return constantTimeEqual(offered, expected);
}

function isForm(contentType: string | null): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

function bearerToken(authorization: string | null): string | null {
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1] ?? null;
}
