// How scripts/serve.mjs starts pullfix, decided from the environment alone so it can be tested without binding.
import { randomBytes } from 'node:crypto';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 3000;
export const MIN_TOKEN_LENGTH = 16;

/**
 * Loopback needs no token. Any other address needs PULLFIX_ACCESS_TOKEN, or gets a generated one, which the
 * caller prints once as a sign-in link. A configured token that is too short to resist guessing is refused.
 * Returns { host, port, token, generated } or { error }.
 */
export function planServe(env, generate = () => randomBytes(32).toString('base64url')) {
  const host = (env.PULLFIX_HOST ?? '').trim() || DEFAULT_HOST;
  const port = env.PORT === undefined || env.PORT === '' ? DEFAULT_PORT : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return { error: `PORT must be a port number (0-65535), not "${env.PORT}"` };
  }
  const configured = env.PULLFIX_ACCESS_TOKEN ?? '';
  if (configured !== '' && (configured.length < MIN_TOKEN_LENGTH || /\s/.test(configured))) {
    return { error: `PULLFIX_ACCESS_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters without spaces; generate one with: openssl rand -base64 32` };
  }
  if (configured !== '') return { host, port, token: configured, generated: false };
  if (isLoopbackHost(host)) return { host, port, token: null, generated: false };
  return { host, port, token: generate(), generated: true };
}

export function isLoopbackHost(host) {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** The link that signs a browser in: the address people reach, with the token as the gate expects it. */
export function signInLink(host, port, token, machineName) {
  const reachable = host === '0.0.0.0' || host === '::' || host === '[::]' ? machineName : host;
  const bracketed = reachable.includes(':') && !reachable.startsWith('[') ? `[${reachable}]` : reachable;
  return `http://${bracketed}:${port}/?token=${encodeURIComponent(token)}`;
}
