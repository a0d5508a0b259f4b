import { constantTimeEqual } from './constant-time';

/**
 * The address of the client at the other end of the socket, as the server process saw it (design §6: a client
 * that is not on loopback never gets an answer without the access token, whatever started the server). Next
 * hands the proxy a Request without its socket, so `instrumentation.ts` stamps each incoming request with the
 * socket's remote address under a header keyed by a random value only this process knows: a client can send
 * the header, but not the key, and an unkeyed header reads as "unknown". Pure, so the proxy can use it.
 */
export const PEER_HEADER = 'x-pullfix-peer';

const KEY_SLOT = Symbol.for('pullfix.peer-key');

type KeyHolder = { [KEY_SLOT]?: string };

/** Called once by the server's instrumentation: the key that stamps carry from now on. */
export function installPeerKey(key: string): void {
  (globalThis as KeyHolder)[KEY_SLOT] = key;
}

/** Whether requests are stamped already: by scripts/peer-stamp.mjs, preloaded before the server listened. */
export function peerKeyInstalled(): boolean {
  return Boolean((globalThis as KeyHolder)[KEY_SLOT]);
}

/** The stamp the instrumentation writes over whatever the client sent; null when no key is installed. */
export function peerStamp(remoteAddress: string | undefined): string | null {
  const key = (globalThis as KeyHolder)[KEY_SLOT];
  return key ? `${key} ${remoteAddress ?? 'unknown'}` : null;
}

/** The client's socket address from a stamped request; null when the process cannot tell (then refuse). */
export function peerAddress(headers: { get(name: string): string | null }): string | null {
  const key = (globalThis as KeyHolder)[KEY_SLOT];
  const stamp = headers.get(PEER_HEADER);
  if (!key || !stamp) return null;
  const separator = stamp.indexOf(' ');
  if (separator < 0 || !constantTimeEqual(stamp.slice(0, separator), key)) return null;
  const address = stamp.slice(separator + 1);
  return address === 'unknown' ? null : address;
}

/** 127.0.0.0/8 and ::1, and the IPv4-mapped form a dual-stack socket reports for 127.x. */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '');
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) || bare === '::1';
}

