import { constantTimeEqual } from './constant-time';
import { readCookie } from './csrf';

/**
 * The access-token gate (design §6): when pullfix listens beyond loopback, every request must prove it holds
 * the token — by the HttpOnly cookie a sign-in link sets, or an `Authorization: Bearer` header for scripts.
 */
export const ACCESS_TOKEN_ENV = 'PULLFIX_ACCESS_TOKEN';
export const ACCESS_COOKIE = 'pullfix-access';
export const TOKEN_PARAMETER = 'token';

/** Kubelet probes carry no cookie; health answers say nothing about the cluster. */
const OPEN_PATHS = new Set(['/api/health']);

export type AccessDecision =
  | { kind: 'open' }
  | { kind: 'granted' }
  /** A sign-in link with the right token: set the cookie and redirect to the URL without it. */
  | { kind: 'sign-in'; redirectTo: URL }
  | { kind: 'denied'; reason: 'missing' | 'invalid' };

export function decideAccess(
  url: URL,
  headers: { get(name: string): string | null },
  expected: string | null | undefined,
): AccessDecision {
  if (!expected || OPEN_PATHS.has(url.pathname)) return { kind: 'open' };
  const offered = url.searchParams.get(TOKEN_PARAMETER);
  if (offered !== null) {
    if (!constantTimeEqual(offered, expected)) return { kind: 'denied', reason: 'invalid' };
    const redirectTo = new URL(url);
    redirectTo.searchParams.delete(TOKEN_PARAMETER);
    return { kind: 'sign-in', redirectTo };
  }
  const presented = readCookie(headers.get('cookie'), ACCESS_COOKIE) ?? bearerToken(headers.get('authorization'));
  if (presented === null) return { kind: 'denied', reason: 'missing' };
  return constantTimeEqual(presented, expected) ? { kind: 'granted' } : { kind: 'denied', reason: 'invalid' };
}

function bearerToken(authorization: string | null): string | null {
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1] ?? null;
}
