/**
 * The double-submit CSRF pair (design §6): the proxy sets the cookie on page loads, client code echoes it in the
 * header, and the mutation guard compares them. Names only, so server, proxy and browser code share them.
 */
export const CSRF_COOKIE = 'pullfix-csrf';
export const CSRF_HEADER = 'x-pullfix-csrf';

/** Reads one cookie from a `Cookie` header (or `document.cookie`); null when absent or empty. */
export function readCookie(cookieHeader: string | null | undefined, name: string): string | null {
  if (!cookieHeader) return null;
  for (const pair of cookieHeader.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== name) continue;
    const value = pair.slice(separator + 1).trim();
    return value.length > 0 ? safeDecode(value) : null;
  }
  return null;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
