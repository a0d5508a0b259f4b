import { createHash } from 'node:crypto';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeLoopbackPort, listenHttp, listenSilent, type LoopbackServer } from '../../test/registry/servers';
import { checkImageAccess, TokenCache, type RegistryLogin } from './client';

const login: RegistryLogin = { username: 'carol', password: 'carol-password-42' };
const basic = `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`;
const noConfig = { endpoints: { hosts: {} }, tokenCache: new TokenCache() };

/** These test servers speak plain HTTP, which a registry host only gets through configuration. */
function plainHttp(server: LoopbackServer) {
  return { endpoints: { hosts: { [`127.0.0.1:${server.port}`]: { endpoint: server.url } } }, tokenCache: new TokenCache() };
}

describe('transport failures map to causes', () => {
  it('a closed loopback port → network', async () => {
    const port = await freeLoopbackPort();
    const result = await checkImageAccess(`127.0.0.1:${port}/team/app:1`, null, noConfig);
    expect(result).toMatchObject({ ok: false, cause: 'network', status: null, registryCode: null });
    expect(result.ok || result.message).toContain('ECONNREFUSED');
  });

  it('an unresolvable host → dns, without asking a resolver', async () => {
    const result = await checkImageAccess('nothing.invalid/team/app:1', null, noConfig);
    expect(result).toMatchObject({ ok: false, cause: 'dns', status: null });
    expect(result.ok || result.message).toContain('nothing.invalid does not resolve');
  });

  describe('a registry that accepts and never answers', () => {
    let silent: LoopbackServer;
    beforeAll(async () => {
      silent = await listenSilent();
    });
    afterAll(() => silent.close());

    it('→ network within the configured timeout', async () => {
      const started = Date.now();
      const result = await checkImageAccess(`127.0.0.1:${silent.port}/team/app:1`, null, { ...noConfig, timeoutMs: 400 });
      const elapsed = Date.now() - started;
      expect(result).toMatchObject({ ok: false, cause: 'network', status: null });
      expect(result.ok || result.message).toContain('did not answer within 400 ms');
      expect(elapsed).toBeGreaterThanOrEqual(390);
      expect(elapsed).toBeLessThan(400 + 1500);
    });
  });
});

describe('credentials stay on safe transports', () => {
  it.each([
    { name: 'plain http to a non-loopback host', endpoint: 'http://plain.invalid', credential: login, cause: 'tls', says: 'not sent to http://plain.invalid over plain HTTP' },
    // Without credentials there is nothing to protect: the client goes ahead and meets the DNS failure.
    { name: 'the same host anonymously', endpoint: 'http://plain.invalid', credential: null, cause: 'dns', says: 'does not resolve' },
    { name: 'a host configured insecure', endpoint: 'http://plain.invalid', insecure: true, credential: login, cause: 'dns', says: 'does not resolve' },
  ])('$name → $cause', async ({ endpoint, insecure, credential, cause, says }) => {
    const result = await checkImageAccess('registry.pullfix.test/team/app:1', credential, {
      endpoints: { hosts: { 'registry.pullfix.test': { endpoint, insecure } } },
      tokenCache: new TokenCache(),
    });
    expect(result).toMatchObject({ ok: false, cause });
    expect(result.ok || result.message).toContain(says);
  });

  describe('a token realm on plain http elsewhere', () => {
    let registry: LoopbackServer;
    beforeAll(async () => {
      registry = await listenHttp((_, response) => {
        response.writeHead(401, { 'www-authenticate': 'Bearer realm="http://realm.invalid/token",service="svc"' });
        response.end();
      });
    });
    afterAll(() => registry.close());

    it.each([
      { credential: login, cause: 'tls', says: 'not sent to the token service http://realm.invalid' },
      { credential: null, cause: 'dns', says: 'realm.invalid does not resolve' },
    ])('with credential $credential.username → $cause', async ({ credential, cause, says }) => {
      const result = await checkImageAccess(`127.0.0.1:${registry.port}/team/app:1`, credential, plainHttp(registry));
      expect(result).toMatchObject({ ok: false, cause });
      expect(result.ok || result.message).toContain(says);
    });
  });
});

describe('redirects', () => {
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: {}, layers: [] }));
  const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
  const seen: { server: string; path: string; authorization: string | null }[] = [];
  let origin: LoopbackServer;
  let other: LoopbackServer;

  const serveManifest = (response: http.ServerResponse) => {
    response.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json', 'docker-content-digest': digest });
    response.end(manifest);
  };

  beforeAll(async () => {
    other = await listenHttp((request, response) => {
      seen.push({ server: 'other', path: request.url ?? '', authorization: request.headers.authorization ?? null });
      serveManifest(response);
    });
    origin = await listenHttp((request, response) => {
      const path = request.url ?? '';
      seen.push({ server: 'origin', path, authorization: request.headers.authorization ?? null });
      if (request.headers.authorization !== basic) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="pullfix"' });
        return response.end();
      }
      if (path.startsWith('/storage/')) return serveManifest(response);
      // 127.0.0.1 and localhost are different hosts to a client, though both are this machine.
      const target = path.includes('/cross/') ? `http://localhost:${other.port}/storage${path}` : `/storage${path}`;
      response.writeHead(307, { location: target });
      response.end();
    });
  });
  afterAll(async () => {
    await origin.close();
    await other.close();
  });

  it.each([
    { name: 'to another host drops Authorization', repository: 'cross/app', server: 'other', authorization: null },
    { name: 'on the same host keeps Authorization', repository: 'same/app', server: 'origin', authorization: basic },
  ])('a redirect $name', async ({ repository, server, authorization }) => {
    seen.length = 0;
    const result = await checkImageAccess(`127.0.0.1:${origin.port}/${repository}:1`, login, plainHttp(origin));
    expect(result).toMatchObject({ ok: true, digest });
    const landed = seen.filter((entry) => entry.path.startsWith('/storage/'));
    expect(landed).toEqual([{ server, path: `/storage/v2/${repository}/manifests/1`, authorization }]);
  });
});

describe('response size cap', () => {
  let registry: LoopbackServer;
  beforeAll(async () => {
    registry = await listenHttp((request, response) => {
      if (request.url === '/v2/') return response.end('{}');
      response.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' });
      response.end(Buffer.alloc(64 * 1024, 32));
    });
  });
  afterAll(() => registry.close());

  it('refuses a manifest larger than maxBodyBytes', async () => {
    const result = await checkImageAccess(`127.0.0.1:${registry.port}/team/app:1`, null, { ...plainHttp(registry), maxBodyBytes: 16 * 1024 });
    expect(result).toMatchObject({ ok: false, cause: 'unknown' });
    expect(result.ok || result.message).toContain('larger than 16384 bytes');
  });
});

describe('references', () => {
  it('an invalid reference → unknown, in the parser’s words, before any connection', async () => {
    const result = await checkImageAccess('Team/App:1', null, noConfig);
    expect(result).toMatchObject({ ok: false, cause: 'unknown', status: null });
    expect(result.ok || result.message).toMatch(/^The image reference is not valid: .*lowercase/);
  });
});

describe('a registry that echoes the credentials in its error', () => {
  let registry: LoopbackServer;
  beforeAll(async () => {
    registry = await listenHttp((request, response) => {
      if (request.headers.authorization === undefined) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="echo"' });
        return response.end();
      }
      const decoded = Buffer.from(request.headers.authorization.slice('Basic '.length), 'base64').toString();
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ errors: [{ code: 'DENIED', message: `denied for ${decoded} (${request.headers.authorization})` }] }));
    });
  });
  afterAll(() => registry.close());

  it('→ unauthorized, with the password and the header hidden', async () => {
    const result = await checkImageAccess(`127.0.0.1:${registry.port}/team/app:1`, login, plainHttp(registry));
    expect(result).toMatchObject({ ok: false, cause: 'unauthorized', status: 403, registryCode: 'DENIED', registryMessage: 'denied for carol:*** (***)' });
    expect(JSON.stringify(result)).not.toContain(login.password);
    expect(JSON.stringify(result)).not.toContain(basic.slice('Basic '.length));
  });
});
