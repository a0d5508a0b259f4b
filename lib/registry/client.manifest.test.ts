import { createHash } from 'node:crypto';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenHttp, type LoopbackServer } from '../../test/registry/servers';
import { checkImageAccess, TokenCache } from './client';

/**
 * What answers in a registry's place is not believed on its word: a 200 must carry a manifest whose digest
 * matches, and the error text it sends is cut down to a code and a short printable message.
 */
const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'1'.repeat(64)}`, size: 2 },
  layers: [],
});
const DIGEST = `sha256:${createHash('sha256').update(MANIFEST).digest('hex')}`;

type Route = (response: http.ServerResponse) => void;
const routes: Record<string, Route> = {
  // Any web server: 200 to everything, HTML.
  '/v2/web/site/manifests/': (response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html>welcome</html>'),
  '/v2/json/api/manifests/': (response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"hello":"world"}'),
  '/v2/good/app/manifests/': (response) =>
    response.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': DIGEST }).end(MANIFEST),
  '/v2/lying/app/manifests/': (response) =>
    response.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': `sha256:${'0'.repeat(64)}` }).end(MANIFEST),
  '/v2/chatty/app/manifests/': (response) =>
    response.writeHead(404, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        errors: [{ code: 'MANIFEST_UNKNOWN <script>', message: `manifest unknown at /var/lib/registry/docker/registry/v2/repositories/app:42 \u0000\u001b[31m${'x'.repeat(5_000)}` }],
      }),
    ),
};

let registry: LoopbackServer;

beforeAll(async () => {
  registry = await listenHttp((request, response) => {
    if (request.url === '/v2/') return void response.writeHead(200).end('{}');
    const route = Object.entries(routes).find(([prefix]) => request.url?.startsWith(prefix))?.[1];
    if (route) return route(response);
    response.writeHead(404).end();
  });
});

afterAll(() => registry.close());

const check = (image: string) =>
  checkImageAccess(`registry.pullfix.test/${image}`, null, { endpoints: { hosts: { 'registry.pullfix.test': { endpoint: registry.url } } }, tokenCache: new TokenCache() });

describe('checkImageAccess believes only a real manifest', () => {
  it('reports a pullable image when the manifest parses and its digest matches', async () => {
    expect(await check('good/app:1')).toMatchObject({ ok: true, digest: DIGEST });
    expect(await check(`good/app:1@${DIGEST}`)).toMatchObject({ ok: true, digest: DIGEST });
  });

  it('does not call a 200 from something that is not a registry "can pull"', async () => {
    expect(await check('web/site:1')).toMatchObject({ ok: false, message: expect.stringMatching(/not JSON/) });
    expect(await check('json/api:1')).toMatchObject({ ok: false, message: expect.stringMatching(/not with an OCI or Docker image manifest/) });
  });

  it('refuses a manifest whose digest is not the announced or pinned one', async () => {
    expect(await check('lying/app:1')).toMatchObject({ ok: false, message: expect.stringMatching(/digest .* not sha256:0{64}/) });
    expect(await check(`good/app:1@sha256:${'2'.repeat(64)}`)).toMatchObject({ ok: false });
  });

  it('quotes a registry only as an error code and a short printable message without paths', async () => {
    const result = await check('chatty/app:1');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.registryCode).toBeNull();
    expect(result.registryMessage?.length).toBeLessThanOrEqual(200);
    expect(result.registryMessage).toMatch(/^manifest unknown at …/);
    expect(result.registryMessage).not.toMatch(/\/var\/lib|[\u0000-\u001f]/);
    expect(JSON.stringify(result)).not.toContain('/var/lib/registry');
  });
});
