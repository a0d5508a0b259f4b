import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateServingCertificate } from '../tls';
import { createPuller, startRegistries, type SimRegistryFleet } from './index';
import { freeLoopbackPort } from '../../test/registry/servers';
import { waitUntil } from '../../test/support/wait';

/**
 * A scenario host served by the real Distribution server (Debian's docker-registry), over plain HTTP and
 * over TLS with its own CA: an image pushed through the registry API comes back through createPuller.
 */
const DOCKER_REGISTRY = '/usr/bin/docker-registry';
const HOST = 'registry.internal.example:5000';
const REPOSITORY = 'team/tiny';

describe.each([
  { transport: 'http', tls: false },
  { transport: 'https with its own CA', tls: true },
])('the real docker-registry over $transport', ({ tls }) => {
  let registry: RealRegistry;
  let fleet: SimRegistryFleet;
  let pushed: PushedImage;

  beforeAll(async () => {
    if (!existsSync(DOCKER_REGISTRY)) {
      throw new Error(`${DOCKER_REGISTRY} is missing: install Debian's docker-registry package to run this test`);
    }
    registry = await startDockerRegistry(tls);
    pushed = await pushTinyImage(registry);
    fleet = await startRegistries([
      { host: HOST, auth: 'none', users: [], repositories: [], externalUrl: registry.url, ...(registry.caPem ? { externalCaPem: registry.caPem } : {}) },
    ]);
  });

  afterAll(async () => {
    await fleet?.close();
    await registry?.stop();
  });

  it('pulls the pushed image through the index to its linux/amd64 manifest', async () => {
    const outcome = await createPuller(fleet)(`${HOST}/${REPOSITORY}:1.0`, [], 'linux/amd64');
    expect(outcome).toEqual({
      ok: true,
      digest: pushed.indexDigest,
      resolved: `${HOST}/${REPOSITORY}@${pushed.indexDigest}`,
      size: pushed.manifestSize + pushed.configSize + pushed.layerSize,
    });
  });

  it('words a missing tag and a missing platform as containerd does, naming the scenario host', async () => {
    const pull = createPuller(fleet);
    const missing = `${HOST}/${REPOSITORY}:2.0`;
    expect(await pull(missing, [], 'linux/amd64')).toEqual({
      ok: false,
      reason: 'ErrImagePull',
      message: `failed to pull and unpack image "${missing}": failed to resolve reference "${missing}": ${missing}: not found`,
    });
    expect(await pull(`${HOST}/${REPOSITORY}:1.0`, [], 'linux/arm64')).toEqual({
      ok: false,
      reason: 'ErrImagePull',
      message: `failed to pull and unpack image "${HOST}/${REPOSITORY}:1.0": no match for platform in manifest: not found`,
    });
  });

  it('hands the app the external endpoint, with the CA in a file when there is one', async () => {
    const entry = fleet.endpoints().hosts[HOST];
    expect(entry?.endpoint).toBe(registry.url);
    if (registry.caPem) {
      expect(entry?.caFile).toBeDefined();
      expect(await readFile(entry?.caFile ?? '', 'utf8')).toBe(registry.caPem);
    } else {
      expect(entry?.caFile).toBeUndefined();
    }
  });
});

interface RealRegistry {
  url: string;
  caPem: string | null;
  stop(): Promise<void>;
}

async function startDockerRegistry(tls: boolean): Promise<RealRegistry> {
  const directory = await mkdtemp(path.join(tmpdir(), 'pullfix-docker-registry-'));
  const port = await freeLoopbackPort();
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${path.join(directory, 'data')}`,
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: pullfix-test-secret',
  ];
  let caPem: string | null = null;
  if (tls) {
    const certificate = generateServingCertificate();
    caPem = certificate.caPem;
    await writeFile(path.join(directory, 'cert.pem'), certificate.certPem);
    await writeFile(path.join(directory, 'key.pem'), certificate.keyPem);
    lines.push('  tls:', `    certificate: ${path.join(directory, 'cert.pem')}`, `    key: ${path.join(directory, 'key.pem')}`);
  }
  await writeFile(path.join(directory, 'config.yml'), `${lines.join('\n')}\n`);

  const child = spawn(DOCKER_REGISTRY, ['serve', path.join(directory, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcess(child);
    await rm(directory, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(url, caPem, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, caPem, stop };
}

async function waitUntilServing(url: string, caPem: string | null, child: ChildProcess, stderr: () => string): Promise<void> {
  await waitUntil(
    async () => {
      if (child.exitCode !== null) return 'exited';
      const response = await send(`${url}/v2/`, 'GET', {}, null, caPem).catch(() => null);
      return response?.status === 200 && 'serving';
    },
    { what: `docker-registry to answer on ${url}`, intervalMs: 100 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}: ${stderr()}`);
  });
  if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${stderr()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface PushedImage {
  indexDigest: string;
  manifestSize: number;
  configSize: number;
  layerSize: number;
}

/** Blob uploads (POST, then PUT with the digest) and manifest PUTs, as `docker push` does them. */
async function pushTinyImage(registry: RealRegistry): Promise<PushedImage> {
  const layerContent = Buffer.from('a tiny layer for the pullfix simulator\n');
  const layer = gzipSync(layerContent);
  const config = json({
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['/bin/true'] },
    rootfs: { type: 'layers', diff_ids: [sha256(layerContent)] },
  });
  await pushBlob(registry, layer);
  await pushBlob(registry, config);
  const manifest = json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
  });
  await pushManifest(registry, sha256(manifest), 'application/vnd.oci.image.manifest.v1+json', manifest);
  const index = json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: sha256(manifest),
        size: manifest.length,
        platform: { architecture: 'amd64', os: 'linux' },
      },
    ],
  });
  await pushManifest(registry, '1.0', 'application/vnd.oci.image.index.v1+json', index);
  return { indexDigest: sha256(index), manifestSize: manifest.length, configSize: config.length, layerSize: layer.length };
}

async function pushBlob(registry: RealRegistry, blob: Buffer): Promise<void> {
  const started = await send(`${registry.url}/v2/${REPOSITORY}/blobs/uploads/`, 'POST', { 'Content-Length': '0' }, null, registry.caPem);
  expect(started.status).toBe(202);
  const location = new URL(String(started.headers.location ?? ''), registry.url);
  location.searchParams.set('digest', sha256(blob));
  const finished = await send(location.toString(), 'PUT', { 'Content-Type': 'application/octet-stream' }, blob, registry.caPem);
  expect(finished.status).toBe(201);
}

async function pushManifest(registry: RealRegistry, reference: string, mediaType: string, body: Buffer): Promise<void> {
  const response = await send(`${registry.url}/v2/${REPOSITORY}/manifests/${reference}`, 'PUT', { 'Content-Type': mediaType }, body, registry.caPem);
  expect(response.status, response.body.toString()).toBe(201);
  expect(response.headers['docker-content-digest']).toBe(sha256(body));
}

interface SentResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function send(url: string, method: string, headers: Record<string, string>, body: Buffer | null, caPem: string | null): Promise<SentResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const options = {
      method,
      headers: { ...headers, ...(body ? { 'Content-Length': String(body.length) } : {}) },
      agent: false as const,
      ...(caPem ? { ca: caPem } : {}),
    };
    const onResponse = (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    };
    const request = target.protocol === 'https:' ? httpsRequest(target, options, onResponse) : httpRequest(target, options, onResponse);
    request.on('error', reject);
    request.end(body ?? undefined);
  });
}

function json(value: object): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
