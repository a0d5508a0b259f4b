import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { PEER_HEADER as PRELOADED_HEADER } from '../../scripts/peer-stamp.mjs';
import { PEER_HEADER, peerAddress, peerKeyInstalled, peerStamp } from '../../lib/security/peer';
import { stampPeerAddresses } from '../../lib/security/peer-stamping';

/**
 * scripts/peer-stamp.mjs, preloaded by scripts/serve.mjs, writes the stamps lib/security/peer.ts reads: same header,
 * same key, same format. Importing it here preloads it into this process, as the server's flag does.
 */
describe('the preloaded peer stamp', () => {
  it('stamps a request so that the proxy reads its loopback address, and the instrumentation keeps its key', async () => {
    expect(PRELOADED_HEADER).toBe(PEER_HEADER);
    expect(peerKeyInstalled()).toBe(true);
    const before = peerStamp('127.0.0.1');
    stampPeerAddresses();
    expect(peerStamp('127.0.0.1')).toBe(before);

    const server = http.createServer((request, response) => {
      response.end(String(peerAddress({ get: (name) => (request.headers[name] as string | undefined) ?? null })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      // A header the client sends itself is overwritten: it cannot know the key.
      const reply = await fetch(`http://127.0.0.1:${port}/`, { headers: { [PEER_HEADER]: 'forged 10.0.0.1' } });
      expect(await reply.text()).toBe('127.0.0.1');
    } finally {
      server.close();
    }
  });
});
