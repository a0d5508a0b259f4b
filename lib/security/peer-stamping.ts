import 'server-only';

import { randomBytes } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { installPeerKey, PEER_HEADER, peerKeyInstalled, peerStamp } from './peer';

/**
 * Stamps every request the process's HTTP server receives with the socket's remote address, before Next reads
 * it. Node publishes `http.server.request.start` synchronously before the server's 'request' event, whichever
 * code created the server (`next start`, the standalone server.js, a test), so the stamp cannot be skipped.
 */
export function stampPeerAddresses(): void {
  // scripts/serve.mjs preloads scripts/peer-stamp.mjs, which stamps from before the server listens.
  if (peerKeyInstalled()) return;
  installPeerKey(randomBytes(32).toString('base64url'));
  subscribe('http.server.request.start', (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    request.headers[PEER_HEADER] = peerStamp(socket.remoteAddress) ?? undefined;
  });
}
