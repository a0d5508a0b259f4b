import { CSRF_COOKIE, CSRF_HEADER, readCookie } from './csrf';

/**
 * The header a mutation's fetch must carry: the CSRF cookie's value echoed back. Outside a browser, or before
 * the proxy has set the cookie, there is nothing to echo and the server will refuse the mutation.
 */
export function csrfHeaders(): Record<string, string> {
  if (typeof document === 'undefined') return {};
  const token = readCookie(document.cookie, CSRF_COOKIE);
  return token === null ? {} : { [CSRF_HEADER]: token };
}
