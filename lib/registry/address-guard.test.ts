import http from 'node:http';
import https from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { listenHttp, type LoopbackServer } from '../../test/registry/servers';
import { assertAllowedTarget, forbiddenAddress, forbiddenTarget } from './address-guard';
import { checkImageAccess, TokenCache } from './client';

describe('forbiddenTarget', () => {
  it.each([
    ['169.254.169.254', 'AWS, GCP, Azure and OpenStack metadata'],
    ['169.254.0.1', 'any IPv4 link-local address'],
    ['100.100.100.200', 'Alibaba Cloud metadata'],
    ['fe80::1', 'IPv6 link-local'],
    ['[fe80::1]', 'IPv6 link-local as a URL writes it'],
    ['febf:ffff::1', 'the top of fe80::/10'],
    ['fd00:ec2::254', 'the AWS IPv6 metadata address'],
    ['fd00:0ec2:0:0:0:0:0:254', 'the same, written out'],
    ['::ffff:169.254.169.254', 'link-local mapped into IPv6'],
    ['::ffff:a9fe:a9fe', 'the same in hex words'],
    ['64:ff9b::a9fe:a9fe', 'metadata through the NAT64 well-known prefix'],
    ['64:ff9b::169.254.169.254', 'the same, dotted'],
    ['64:ff9b:1::a9fe:a9fe', 'metadata through the NAT64 local-use prefix'],
    ['::a9fe:a9fe', 'metadata IPv4-compatible'],
    ['::169.254.169.254', 'the same, dotted'],
    ['::ffff:0:a9fe:a9fe', 'metadata IPv4-translated'],
    ['2002:a9fe:a9fe::1', 'metadata inside a 6to4 prefix'],
    ['2001:0:a9fe:a9fe::1', 'metadata as a Teredo server'],
    ['2001:0:4136:e378:8000:63bf:5601:5601', 'metadata as a Teredo client (bits inverted)'],
    ['fe80::5efe:a9fe:a9fe', 'an ISATAP link-local'],
    ['2001:db8::5efe:169.254.169.254', 'metadata as an ISATAP interface identifier'],
    ['64:ff9b::6464:64c8', 'the Alibaba metadata address through NAT64'],
    ['metadata.google.internal', 'the GCP metadata name'],
    ['METADATA.GOOGLE.INTERNAL.', 'the GCP metadata name, upper case and fully qualified'],
    ['0.0.0.0', 'the unspecified address'],
    ['::', 'the IPv6 unspecified address'],
    ['224.0.0.1', 'multicast'],
  ])('refuses %s (%s)', (host) => {
    expect(forbiddenTarget(host)).toEqual(expect.any(String));
  });

  it.each([
    ['127.0.0.1', 'loopback: the simulator and tests live there'],
    ['::1', 'IPv6 loopback'],
    ['localhost', 'a name: judged by what it resolves to'],
    ['registry-1.docker.io', 'a public registry name'],
    ['10.0.0.5', 'a private address: in-cluster registries live there'],
    ['192.168.1.10', 'a private address'],
    ['fec0::1', 'just above fe80::/10'],
    ['169.253.255.255', 'just below 169.254.0.0/16'],
    ['fd00:ec2::253', 'next to the AWS metadata address'],
    ['64:ff9b::a00:5', 'a private address through NAT64'],
    ['::a00:5', 'a private address IPv4-compatible'],
    ['2002:c000:0201::1', 'a 6to4 prefix of a documentation address'],
    ['2001:db8::1', 'a documentation address with nothing embedded'],
  ])('allows %s (%s)', (host) => {
    expect(forbiddenTarget(host)).toBeNull();
  });

  it('treats anything that is not an address as allowed by forbiddenAddress', () => {
    expect(forbiddenAddress('registry.example.com')).toBeNull();
  });
});

describe('assertAllowedTarget', () => {
  it('refuses literal metadata addresses and names without resolving anything', async () => {
    for (const host of ['169.254.169.254', 'fe80::1', 'metadata.google.internal', '[fd00:ec2::254]']) {
      await expect(assertAllowedTarget(host)).rejects.toMatchObject({ code: 'forbidden-address' });
    }
  });

  it('lets loopback names through after resolving them', async () => {
    await expect(assertAllowedTarget('localhost')).resolves.toBeUndefined();
    await expect(assertAllowedTarget('127.0.0.1')).resolves.toBeUndefined();
  });

  it('leaves names that do not resolve to the request, which reports them as DNS failures', async () => {
    await expect(assertAllowedTarget('registry.pullfix.invalid')).resolves.toBeUndefined();
  });
});

describe('the registry client never connects to a forbidden address', () => {
  let redirector: LoopbackServer;
  const attempted: string[] = [];

  beforeAll(async () => {
    redirector = await listenHttp((request, response) => {
      response.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' });
      response.end();
    });
  });
  afterAll(() => redirector.close());

  // Any request to a host other than the loopback redirector is recorded and stopped before a socket opens.
  for (const transport of [http, https]) {
    const original = transport.request.bind(transport) as (...args: unknown[]) => http.ClientRequest;
    vi.spyOn(transport, 'request').mockImplementation(((...args: unknown[]) => {
      const target = args[0] instanceof URL ? args[0] : null;
      if (target === null || target.hostname !== '127.0.0.1') {
        attempted.push(String(args[0]));
        throw new Error('test: a connection to a non-loopback address was attempted');
      }
      return original(...args);
    }) as typeof transport.request);
  }
  afterEach(() => {
    expect(attempted).toEqual([]);
  });

  it.each([
    'http://169.254.169.254',
    'http://[fe80::1]:5000',
    'https://metadata.google.internal',
    'http://100.100.100.200',
    // The URL parser turns decimal and hex IPv4 forms into dotted ones before the guard sees them.
    'http://2852039166',
    'http://0xa9.0xfe.0xa9.0xfe',
    'http://[::ffff:169.254.169.254]',
  ])(
    'an endpoint at %s is refused',
    async (endpoint) => {
      const result = await checkImageAccess('registry.example.com/team/app:1.0', null, {
        endpoints: { hosts: { 'registry.example.com': { endpoint } } },
        tokenCache: new TokenCache(),
      });
      expect(result).toMatchObject({ ok: false, cause: 'network', message: expect.stringMatching(/does not contact .*link-local or cloud metadata/) });
    },
  );

  it('a registry that redirects to the metadata service is not followed there', async () => {
    const result = await checkImageAccess('registry.example.com/team/app:1.0', null, {
      endpoints: { hosts: { 'registry.example.com': { endpoint: redirector.url } } },
      tokenCache: new TokenCache(),
    });
    expect(result).toMatchObject({ ok: false, cause: 'network', message: expect.stringContaining('169.254.169.254') });
  });
});
