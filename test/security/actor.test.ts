import { afterEach, describe, expect, it } from 'vitest';
import { requestActor } from '../../lib/security/actor';
import { installPeerKey, PEER_HEADER } from '../../lib/security/peer';

installPeerKey('actor-test-peer-key');
const request = new Request('http://127.0.0.1:3000/api/registry/check', {
  method: 'POST',
  headers: { host: '127.0.0.1:3000', [PEER_HEADER]: 'actor-test-peer-key 10.1.2.3', 'x-forwarded-for': '10.66.6.6' },
});

afterEach(() => {
  delete process.env.PULLFIX_ACCESS_TOKEN;
});

describe('requestActor', () => {
  it("names the kubeconfig user, the local user, the socket's address and the Host when no access token guards pullfix", () => {
    expect(requestActor(request, 'admin')).toBe('kubeconfig user "admin" for the local user at 10.1.2.3 (Host "127.0.0.1:3000")');
  });

  it('names the access-token holder by client address when a token guards pullfix, never the token', () => {
    process.env.PULLFIX_ACCESS_TOKEN = 'actor-test-token-9e8d7c6b';
    const actor = requestActor(request, 'admin');
    expect(actor).toBe('kubeconfig user "admin" for the access-token holder at 10.1.2.3 (Host "127.0.0.1:3000")');
    expect(actor).not.toContain('actor-test-token');
  });
});
