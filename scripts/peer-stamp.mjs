// Preloaded into the server process by scripts/serve.mjs (node --import), before Next listens: stamps every
// request with its socket's remote address from the very first. Next prints "Ready" and accepts requests before
// it runs instrumentation.ts, so a request that came in that window carried no stamp, and the proxy refused the
// local user as a client of unknown address. The stamp's format is lib/security/peer.ts's, which reads it;
// lib/security/peer-stamping.ts stamps the same way where nothing preloaded this (next dev, a bare next start).
import { randomBytes } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';

export const PEER_HEADER = 'x-pullfix-peer';
const KEY_SLOT = Symbol.for('pullfix.peer-key');

if (!globalThis[KEY_SLOT]) {
  const key = randomBytes(32).toString('base64url');
  globalThis[KEY_SLOT] = key;
  subscribe('http.server.request.start', ({ request, socket }) => {
    request.headers[PEER_HEADER] = `${key} ${socket.remoteAddress ?? 'unknown'}`;
  });
}
