// How scripts/serve.mjs starts pullfix, decided from the environment alone so it can be tested without binding.
// The server enforces the rules itself whatever starts it (proxy.ts); this plan only makes a start that could
// not serve anyone fail early, and generates the token a non-loopback bind needs.
import { randomBytes } from 'node:crypto';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 3000;
export const MIN_TOKEN_LENGTH = 16;

/**
 * Loopback needs no token. Any other address needs PULLFIX_ACCESS_TOKEN, or gets a generated one, which the
 * caller prints once. In a pod the token must come from its Secret: a generated one would be lost in the log.
 * A configured token that is too short to resist guessing is refused. A bind to one non-loopback address adds
 * that address to the accepted Host names. Returns { host, port, token, generated, allowedHosts } or { error }.
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
  const allowedHosts = withBindAddress(env.PULLFIX_ALLOWED_HOSTS ?? '', host, port);
  if (configured !== '') return { host, port, token: configured, generated: false, allowedHosts };
  if (isLoopbackHost(host)) return { host, port, token: null, generated: false, allowedHosts };
  if (env.KUBERNETES_SERVICE_HOST) {
    return { error: 'in a pod pullfix needs PULLFIX_ACCESS_TOKEN from its Secret (see deploy/README.md)' };
  }
  return { host, port, token: generate(), generated: true, allowedHosts };
}

export function isLoopbackHost(host) {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** The address people open: the machine's name for a wildcard bind, else the bound address. */
export function signInAddress(host, port, machineName) {
  return `http://${bracketed(isWildcard(host) ? machineName : host)}:${port}/`;
}

function withBindAddress(allowed, host, port) {
  if (isWildcard(host) || isLoopbackHost(host)) return allowed;
  return [allowed, `${bracketed(host)}:${port}`].filter((entry) => entry.trim() !== '').join(',');
}

function isWildcard(host) {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

function bracketed(host) {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
