/**
 * The response headers every pullfix response carries (issue 7). Scripts run only with the per-request nonce
 * Next.js stamps on its own tags ('strict-dynamic' lets those load their chunks); inline styles stay allowed
 * because React writes `style` attributes, which a nonce cannot cover.
 */
import { encodeBase64 } from '../base64';

export function contentSecurityPolicy(nonce: string, development = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${development ? ' ws:' : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Every API answer's Cache-Control: never stored, and never compressed by Next or a proxy. The big answers are
 * shared bytes (a failures answer is close to a megabyte at 10,000 pods): gzipping them again for each request
 * cost as much of the event loop as all the rest of serving it (8 ms per request against 4 ms), and Next drops
 * the Content-Encoding of a body a route gzipped itself, so it cannot be gzipped once and shared. The live stream,
 * which carries the same data to open pages, is never compressed either (its events must not wait in a buffer).
 */
export const API_CACHE_CONTROL = 'no-store, no-transform';

export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/** 128 random bits, base64: unguessable per response, as a CSP nonce must be. */
export function newNonce(): string {
  return randomBase64(16);
}

/** 256 random bits, base64url: the CSRF cookie's value. */
export function newCsrfToken(): string {
  return randomBase64(32).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomBase64(bytes: number): string {
  return encodeBase64(crypto.getRandomValues(new Uint8Array(bytes)));
}
