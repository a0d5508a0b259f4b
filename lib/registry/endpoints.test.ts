import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkImageAccess } from './client';
import { credentialsAllowed, loadEndpointConfig, parseEndpointConfig, REGISTRY_CONFIG_ENV, resolveEndpoint, trustForUrl } from './endpoints';
import { RegistryError } from './errors';

const dir = mkdtempSync(path.join(tmpdir(), 'pullfix-endpoints-'));
const caFile = path.join(dir, 'ca.pem');
const caPem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
writeFileSync(caFile, caPem);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = parseEndpointConfig({
  hosts: {
    'Mirror.Example.com': { endpoint: 'https://mirror.internal:8443/' },
    'registry.pullfix.test': { endpoint: 'https://127.0.0.1:5443', caFile },
    'legacy.example.com:5000': { endpoint: 'http://legacy.example.com:5000', insecure: true },
    'docker.io': { endpoint: 'http://127.0.0.1:7000' },
  },
});

describe('resolveEndpoint', () => {
  it.each([
    { host: 'ghcr.io', endpoints: { hosts: {} }, url: 'https://ghcr.io', ca: null, insecure: false, credentials: true },
    { host: 'docker.io', endpoints: { hosts: {} }, url: 'https://registry-1.docker.io', ca: null, insecure: false, credentials: true },
    { host: 'localhost:5000', endpoints: { hosts: {} }, url: 'https://localhost:5000', ca: null, insecure: false, credentials: true },
    { host: 'docker.io', endpoints: config, url: 'http://127.0.0.1:7000', ca: null, insecure: false, credentials: true },
    { host: 'mirror.example.com', endpoints: config, url: 'https://mirror.internal:8443', ca: null, insecure: false, credentials: true },
    { host: 'registry.pullfix.test', endpoints: config, url: 'https://127.0.0.1:5443', ca: caPem, insecure: false, credentials: true },
    { host: 'legacy.example.com:5000', endpoints: config, url: 'http://legacy.example.com:5000', ca: null, insecure: true, credentials: true },
    // The port is part of the host: the same name on another port is another registry.
    { host: 'legacy.example.com', endpoints: config, url: 'https://legacy.example.com', ca: null, insecure: false, credentials: true },
  ])('$host → $url', ({ host, endpoints, url, ca, insecure, credentials }) => {
    const resolved = resolveEndpoint(host, endpoints);
    expect(resolved).toMatchObject({ url, insecure, credentialsAllowed: credentials, trust: { ca, rejectUnauthorized: !insecure } });
  });

  it('finds the trust of an origin the registry points to', () => {
    expect(trustForUrl(new URL('https://127.0.0.1:5443/token?x=1'), config)).toEqual({ trust: { ca: caPem, rejectUnauthorized: true }, insecure: false });
    expect(trustForUrl(new URL('https://127.0.0.1:5444/token'), config)).toBeNull();
  });
});

describe('credentialsAllowed', () => {
  it.each([
    ['https://registry.example.com', false, true],
    ['http://registry.example.com', false, false],
    ['http://registry.example.com', true, true],
    ['http://127.0.0.1:5000', false, true],
    ['http://127.45.6.7', false, true],
    ['http://localhost:5000', false, true],
    ['http://[::1]:5000', false, true],
    ['http://127.example.com', false, false],
    ['http://localhost.example.com', false, false],
    ['http://128.0.0.1', false, false],
    ['http://[::2]', false, false],
  ] as const)('%s (insecure %s) → %s', (url, insecure, allowed) => {
    expect(credentialsAllowed(new URL(url), insecure)).toBe(allowed);
  });
});

describe('loading the configuration', () => {
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  it(`reads the file named by ${REGISTRY_CONFIG_ENV}, and nothing when it is unset`, () => {
    const file = write('registries.json', JSON.stringify({ hosts: { 'ghcr.io': { endpoint: 'https://ghcr-mirror.internal' } } }));
    const saved = process.env[REGISTRY_CONFIG_ENV];
    try {
      process.env[REGISTRY_CONFIG_ENV] = file;
      expect(resolveEndpoint('ghcr.io').url).toBe('https://ghcr-mirror.internal');
      delete process.env[REGISTRY_CONFIG_ENV];
      expect(loadEndpointConfig()).toEqual({ hosts: {} });
    } finally {
      if (saved === undefined) delete process.env[REGISTRY_CONFIG_ENV];
      else process.env[REGISTRY_CONFIG_ENV] = saved;
    }
  });

  it.each([
    { name: 'a missing file', content: null, says: 'cannot be read (ENOENT)' },
    { name: 'not JSON', content: '{hosts:', says: 'is not valid JSON' },
    { name: 'no hosts', content: '{}', says: 'malformed at hosts' },
    { name: 'an ftp endpoint', content: '{"hosts":{"a.io":{"endpoint":"ftp://a.io"}}}', says: 'malformed at hosts.a.io.endpoint' },
    { name: 'insecure as a string', content: '{"hosts":{"a.io":{"endpoint":"http://a.io","insecure":"yes"}}}', says: 'malformed at hosts.a.io.insecure' },
  ])('rejects $name with a clear message', ({ name, content, says }) => {
    const file = content === null ? path.join(dir, 'absent.json') : write(`${name}.json`, content);
    expect(() => loadEndpointConfig(file)).toThrow(RegistryError);
    expect(() => loadEndpointConfig(file)).toThrow(says);
  });

  it('turns a missing CA file into a failed check rather than a throw', async () => {
    const result = await checkImageAccess('ghcr.io/team/app:1', null, {
      endpoints: { hosts: { 'ghcr.io': { endpoint: 'https://127.0.0.1:1', caFile: path.join(dir, 'missing-ca.pem') } } },
    });
    expect(result).toMatchObject({ ok: false, cause: 'unknown', status: null });
    expect(result.ok || result.message).toContain('missing-ca.pem configured for ghcr.io cannot be read');
  });
});
