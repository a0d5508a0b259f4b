import bcrypt from 'bcryptjs';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RegistryEndpointConfig } from '../../lib/registry/endpoints';
import { waitUntil } from '../support/wait';
import { freeLoopbackPort } from './servers';

const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface PushedImage {
  repository: string;
  tags: string[];
  digest: string;
  mediaType: string;
  /** The platforms an index offers, or the one platform of a single image's config. */
  platforms: string[];
}

export interface RunningDistribution {
  /** https://127.0.0.1:<port> */
  url: string;
  /** 127.0.0.1:<port>, as an image reference writes the registry. */
  host: string;
  caFile: string;
  username: string;
  password: string;
  /** A Docker v2 manifest under three tags. */
  app: PushedImage;
  /** An OCI index of two platforms and a BuildKit attestation. */
  multi: PushedImage;
  /** Endpoint configuration that trusts this registry's CA for `host` and for each alias given. */
  endpoints(...aliases: string[]): RegistryEndpointConfig;
  stop(): Promise<void>;
}

/**
 * Starts Debian's Distribution registry on a free loopback port, with htpasswd basic auth and a TLS
 * certificate from a throwaway CA, and pushes the test images through the registry API.
 */
export async function startDistribution(binary = REGISTRY_BINARY): Promise<RunningDistribution> {
  if (!existsSync(binary)) {
    throw new Error('docker-registry is not installed: apt-get install docker-registry');
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'pullfix-distribution-'));
  const username = 'pullfix';
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const { caFile, certFile, keyFile } = makeCertificates(dir);
  // The registry checks the bcrypt hash on every request: the lowest cost keeps the suite fast on two cores.
  writeFileSync(path.join(dir, 'htpasswd'), `${username}:${bcrypt.hashSync(password, 4)}\n`);
  const port = await freeLoopbackPort();
  const configFile = path.join(dir, 'config.yml');
  writeFileSync(configFile, registryConfig(dir, port, certFile, keyFile));

  const child = spawn(binary, ['serve', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const stop = () => stopProcess(child).finally(() => rmSync(dir, { recursive: true, force: true }));

  const host = `127.0.0.1:${port}`;
  const api = new RegistryApi(`https://${host}`, readFileSync(caFile, 'utf8'), username, password);
  try {
    await waitUntilServing(api, child, () => stderr);
    const app = await pushDockerImage(api, 'pullfix/app', ['1.0', '2.0', '3.0']);
    const multi = await pushOciIndex(api, 'pullfix/multi', 'latest');
    return {
      url: `https://${host}`,
      host,
      caFile,
      username,
      password,
      app,
      multi,
      endpoints: (...aliases) => ({
        hosts: Object.fromEntries([host, ...aliases].map((name) => [name, { endpoint: `https://${host}`, caFile }])),
      }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function makeCertificates(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const file = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=pullfix test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1']);
  writeFileSync(
    file('server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n',
  );
  openssl(['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-out', file('server.pem'), '-days', '2', '-extfile', file('server.ext')]);
  return { caFile: file('ca.pem'), certFile: file('server.pem'), keyFile: file('server.key') };
}

function registryConfig(dir: string, port: number, certFile: string, keyFile: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${path.join(dir, 'storage')}`,
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
    '  tls:',
    `    certificate: ${certFile}`,
    `    key: ${keyFile}`,
    'auth:',
    '  htpasswd:',
    '    realm: pullfix-test',
    `    path: ${path.join(dir, 'htpasswd')}`,
    '',
  ].join('\n');
}

async function waitUntilServing(api: RegistryApi, child: ChildProcess, stderr: () => string): Promise<void> {
  await waitUntil(
    async () => {
      if (child.exitCode !== null) return 'exited';
      const status = await api.request('GET', '/v2/', { anonymous: true }).then((reply) => reply.status, () => null);
      return status === 401 && 'serving';
    },
    { what: 'docker-registry to start', timeoutMs: 20_000, intervalMs: 100 },
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

async function pushDockerImage(api: RegistryApi, repository: string, tags: string[]): Promise<PushedImage> {
  const config = await api.pushBlob(repository, jsonBytes({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const layer = await api.pushBlob(repository, randomBytes(512));
  const mediaType = 'application/vnd.docker.distribution.manifest.v2+json';
  const manifest = jsonBytes({
    schemaVersion: 2,
    mediaType,
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', ...layer }],
  });
  let digest = '';
  for (const tag of tags) digest = await api.pushManifest(repository, tag, mediaType, manifest);
  return { repository, tags, digest, mediaType, platforms: ['linux/amd64'] };
}

async function pushOciIndex(api: RegistryApi, repository: string, tag: string): Promise<PushedImage> {
  const platforms = [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ];
  const manifestType = 'application/vnd.oci.image.manifest.v1+json';
  const entries: Record<string, unknown>[] = [];
  for (const platform of [...platforms, { os: 'unknown', architecture: 'unknown' }]) {
    const config = await api.pushBlob(repository, jsonBytes({ ...platform, rootfs: { type: 'layers', diff_ids: [] } }));
    const layer = await api.pushBlob(repository, randomBytes(256));
    const manifest = jsonBytes({
      schemaVersion: 2,
      mediaType: manifestType,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
    });
    const digest = await api.pushManifest(repository, sha256(manifest), manifestType, manifest);
    const attestation = platform.os === 'unknown';
    entries.push({
      mediaType: manifestType,
      digest,
      size: manifest.length,
      platform,
      ...(attestation ? { annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': String(entries[0]?.digest) } } : {}),
    });
  }
  const mediaType = 'application/vnd.oci.image.index.v1+json';
  const digest = await api.pushManifest(repository, tag, mediaType, jsonBytes({ schemaVersion: 2, mediaType, manifests: entries }));
  return { repository, tags: [tag], digest, mediaType, platforms: ['linux/amd64', 'linux/arm64/v8'] };
}

interface ApiReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** The registry API as a pushing client sees it; independent of the client under test. */
class RegistryApi {
  constructor(
    private readonly baseUrl: string,
    private readonly ca: string,
    private readonly username: string,
    private readonly password: string,
  ) {}

  /** Monolithic upload: POST opens the session, PUT with the digest closes it. */
  async pushBlob(repository: string, content: Buffer): Promise<{ digest: string; size: number }> {
    const digest = sha256(content);
    const opened = await this.request('POST', `/v2/${repository}/blobs/uploads/`);
    const location = opened.headers.location;
    if (opened.status !== 202 || typeof location !== 'string') throw new Error(`blob upload did not start: ${opened.status} ${opened.body}`);
    const target = new URL(location, this.baseUrl);
    target.searchParams.set('digest', digest);
    const closed = await this.request('PUT', target.pathname + target.search, {
      body: content,
      headers: { 'content-type': 'application/octet-stream' },
    });
    if (closed.status !== 201) throw new Error(`blob upload failed: ${closed.status} ${closed.body}`);
    return { digest, size: content.length };
  }

  async pushManifest(repository: string, reference: string, mediaType: string, manifest: Buffer): Promise<string> {
    const reply = await this.request('PUT', `/v2/${repository}/manifests/${reference}`, {
      body: manifest,
      headers: { 'content-type': mediaType },
    });
    if (reply.status !== 201) throw new Error(`manifest push failed: ${reply.status} ${reply.body}`);
    const digest = reply.headers['docker-content-digest'];
    if (digest !== sha256(manifest)) throw new Error(`registry reported digest ${String(digest)} for ${sha256(manifest)}`);
    return digest;
  }

  request(
    method: string,
    pathAndQuery: string,
    options: { body?: Buffer; headers?: Record<string, string>; anonymous?: boolean } = {},
  ): Promise<ApiReply> {
    const headers: Record<string, string> = { ...options.headers };
    if (!options.anonymous) headers.authorization = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    if (options.body) headers['content-length'] = String(options.body.length);
    return new Promise((resolve, reject) => {
      const request = https.request(new URL(pathAndQuery, this.baseUrl), { method, headers, ca: this.ca, agent: false, timeout: 10_000 }, (reply) => {
        const chunks: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => chunks.push(chunk));
        reply.on('end', () => resolve({ status: reply.statusCode ?? 0, headers: reply.headers, body: Buffer.concat(chunks).toString() }));
        reply.on('error', reject);
      });
      request.on('timeout', () => request.destroy(new Error(`${method} ${pathAndQuery} timed out`)));
      request.on('error', reject);
      request.end(options.body);
    });
  }
}

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function sha256(content: Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}
