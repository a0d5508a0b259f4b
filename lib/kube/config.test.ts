import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { generateServingCertificate } from '../../sim/testing';
import { clientsFor, inClusterConfig, kubeconfigSource, listContexts, reloadKubeConfig } from './config';
import { ApiError } from '../api/errors';
import { toApiError } from './errors';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pullfix-config-'));
const savedEnv = { ...process.env };

afterEach(() => {
  process.env = { ...savedEnv };
  reloadKubeConfig();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeKubeconfig(
  name: string,
  clusters: { name: string; server: string; caPem?: string }[],
  contexts: { name: string; cluster: string; namespace?: string }[],
  current: string,
): string {
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: clusters.map((c) => ({
        name: c.name,
        cluster: { server: c.server, ...(c.caPem ? { 'certificate-authority-data': Buffer.from(c.caPem).toString('base64') } : {}) },
      })),
      users: [{ name: 'u', user: { token: 'not-a-real-token' } }],
      contexts: contexts.map((c) => ({ name: c.name, context: { cluster: c.cluster, user: 'u', namespace: c.namespace } })),
      'current-context': current,
    }),
  );
  return file;
}

function useKubeconfig(files: string[]): void {
  process.env.PULLFIX_KUBECONFIG = files.join(path.delimiter);
  reloadKubeConfig();
}

/** A loopback port nothing listens on: bound, noted, and closed again. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function failureOf(promise: Promise<unknown>, target: { context: string; server: string }): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return toApiError(error, target);
  }
  throw new Error('the call was expected to fail');
}

describe('kubeconfigSource', () => {
  const existing = (...files: string[]) => (file: string) => files.includes(file);
  const cases = [
    { name: '--kubeconfig wins', env: { KUBECONFIG: '/k' }, argv: ['next', '--kubeconfig', '/opt/a'], files: [], expect: ['/opt/a'] },
    { name: '--kubeconfig=…', env: {}, argv: ['--kubeconfig=/opt/b'], files: [], expect: ['/opt/b'] },
    { name: 'PULLFIX_KUBECONFIG over KUBECONFIG', env: { PULLFIX_KUBECONFIG: '/p', KUBECONFIG: '/k' }, argv: [], files: ['/k'], expect: ['/p'] },
    {
      name: 'KUBECONFIG path list, missing files dropped',
      env: { KUBECONFIG: ['/a', '/missing', '/b'].join(path.delimiter) },
      argv: [],
      files: ['/a', '/b'],
      expect: ['/a', '/b'],
    },
    { name: '~/.kube/config', env: { HOME: '/home/x' }, argv: [], files: ['/home/x/.kube/config'], expect: ['/home/x/.kube/config'] },
    {
      name: 'in-cluster with the service account token',
      env: { HOME: '/home/x', KUBERNETES_SERVICE_HOST: '10.0.0.1' },
      argv: [],
      files: ['/var/run/secrets/kubernetes.io/serviceaccount/token'],
      expect: 'in-cluster',
    },
    { name: 'KUBERNETES_SERVICE_HOST without a token', env: { HOME: '/h', KUBERNETES_SERVICE_HOST: '10.0.0.1' }, argv: [], files: [], expect: null },
    { name: 'nothing', env: { HOME: '/h' }, argv: [], files: [], expect: null },
  ];
  it.each(cases)('$name', ({ env, argv, files, expect: expected }) => {
    expect(kubeconfigSource(env, argv, existing(...files))).toEqual(expected);
  });
});

describe('inClusterConfig', () => {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'pullfix-in-cluster-'));
  const mounted = path.join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
  const claims = (sub: string) => Buffer.from(JSON.stringify({ iss: 'kubernetes/serviceaccount', sub })).toString('base64url');

  beforeAll(() => {
    fs.mkdirSync(mounted, { recursive: true });
    fs.writeFileSync(path.join(mounted, 'ca.crt'), generateServingCertificate().caPem);
    fs.writeFileSync(path.join(mounted, 'namespace'), 'pullfix');
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '10.96.0.1');
    vi.stubEnv('KUBERNETES_SERVICE_PORT', '443');
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    fs.rmSync(prefix, { recursive: true, force: true });
  });

  it('is one context, in-cluster, whose user is the service account the token names', () => {
    fs.writeFileSync(path.join(mounted, 'token'), `eyJhbGciOiJSUzI1NiJ9.${claims('system:serviceaccount:pullfix:pullfix')}.c2lnbmF0dXJl\n`);
    const config = inClusterConfig(prefix);
    expect(config.getContexts().map((context) => [context.name, context.user])).toEqual([['in-cluster', 'system:serviceaccount:pullfix:pullfix']]);
    expect(config.getCurrentUser()?.name).toBe('system:serviceaccount:pullfix:pullfix');
    expect(config.getCurrentCluster()?.server).toBe('https://10.96.0.1:443');
  });

  it("keeps client-node's user name when the token names no service account", () => {
    fs.writeFileSync(path.join(mounted, 'token'), 'not-a-jwt');
    expect(inClusterConfig(prefix).getContexts()[0]?.user).toBe('inClusterUser');
  });
});

describe('listContexts and clientsFor', () => {
  it('lists the contexts of a merged path list, the first file winning', () => {
    const first = writeKubeconfig('a.yaml', [{ name: 'c1', server: 'https://127.0.0.1:1' }], [{ name: 'one', cluster: 'c1', namespace: 'shop' }], 'one');
    const second = writeKubeconfig(
      'b.yaml',
      [
        { name: 'c1', server: 'https://127.0.0.1:9' },
        { name: 'c2', server: 'https://127.0.0.1:2' },
      ],
      [
        { name: 'one', cluster: 'c2' },
        { name: 'two', cluster: 'c2' },
      ],
      'two',
    );
    useKubeconfig([first, second]);
    expect(listContexts()).toEqual([
      { name: 'one', cluster: 'c1', user: 'u', namespace: 'shop', current: true, server: 'https://127.0.0.1:1' },
      { name: 'two', cluster: 'c2', user: 'u', namespace: null, current: false, server: 'https://127.0.0.1:2' },
    ]);
  });

  it('creates the clients of a context once', () => {
    useKubeconfig([writeKubeconfig('once.yaml', [{ name: 'c', server: 'https://127.0.0.1:1' }], [{ name: 'x', cluster: 'c' }], 'x')]);
    expect(clientsFor('x')).toBe(clientsFor('x'));
    expect(clientsFor('x').server).toBe('https://127.0.0.1:1');
  });

  it('refuses an unknown context with the ones it knows', () => {
    useKubeconfig([writeKubeconfig('unknown.yaml', [{ name: 'c', server: 'https://127.0.0.1:1' }], [{ name: 'known', cluster: 'c' }], 'known')]);
    expect(() => clientsFor('nope')).toThrow(ApiError);
    try {
      clientsFor('nope');
    } catch (error) {
      expect((error as ApiError).toBody()).toEqual({
        error: {
          code: 'unknown-context',
          status: 404,
          reason: null,
          message: expect.stringContaining('the context "nope" is not in the kubeconfig'),
        },
      });
      expect((error as ApiError).message).toContain('known');
    }
  });

  it('says when the kubeconfig file does not exist', () => {
    useKubeconfig([path.join(dir, 'absent.yaml')]);
    expect(() => listContexts()).toThrow(/the kubeconfig file .*absent\.yaml does not exist/);
  });

  it('says when nothing can be loaded', () => {
    for (const name of ['PULLFIX_KUBECONFIG', 'KUBECONFIG', 'KUBERNETES_SERVICE_HOST']) delete process.env[name];
    process.env.HOME = path.join(dir, 'empty-home');
    reloadKubeConfig();
    expect(() => listContexts()).toThrow(expect.objectContaining({ code: 'kubeconfig-missing', status: 500 }));
  });

  it('reads a changed kubeconfig again, with new clients, looking at the file at most once a second', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const file = writeKubeconfig('changing.yaml', [{ name: 'c', server: 'https://127.0.0.1:1' }], [{ name: 'old', cluster: 'c' }], 'old');
      useKubeconfig([file]);
      const before = clientsFor('old');
      writeKubeconfig('changing.yaml', [{ name: 'c', server: 'https://127.0.0.1:2' }], [{ name: 'old', cluster: 'c' }, { name: 'new', cluster: 'c' }], 'new');
      const stat = vi.spyOn(fs, 'statSync');
      vi.advanceTimersByTime(999);
      expect(listContexts().map((context) => context.name)).toEqual(['old']);
      expect(clientsFor('old')).toBe(before);
      expect(stat).not.toHaveBeenCalled();

      vi.advanceTimersByTime(1);
      expect(listContexts().map((context) => [context.name, context.server, context.current])).toEqual([
        ['old', 'https://127.0.0.1:2', false],
        ['new', 'https://127.0.0.1:2', true],
      ]);
      expect(stat).toHaveBeenCalledTimes(2);
      const after = clientsFor('old');
      expect(after).not.toBe(before);
      expect(after.server).toBe('https://127.0.0.1:2');

      // Unchanged since: the clients stay, and the file is looked at once more a second later, not per call.
      vi.advanceTimersByTime(1000);
      expect(clientsFor('old')).toBe(after);
      expect(clientsFor('new')).toBe(clientsFor('new'));
      expect(stat).toHaveBeenCalledTimes(3);
    } finally {
      vi.restoreAllMocks();
      vi.useRealTimers();
    }
  });

  it('says so when the kubeconfig it read is removed', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const file = writeKubeconfig('removed.yaml', [{ name: 'c', server: 'https://127.0.0.1:1' }], [{ name: 'x', cluster: 'c' }], 'x');
      useKubeconfig([file]);
      expect(clientsFor('x').server).toBe('https://127.0.0.1:1');
      fs.rmSync(file);
      vi.advanceTimersByTime(1000);
      expect(() => clientsFor('x')).toThrow(/the kubeconfig file .*removed\.yaml does not exist/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('says when a kubeconfig does not parse', () => {
    const file = path.join(dir, 'garbage.yaml');
    fs.writeFileSync(file, 'clusters: [ {');
    useKubeconfig([file]);
    expect(() => listContexts()).toThrow(expect.objectContaining({ code: 'kubeconfig-invalid' }));
  });
});

describe('transport failures become one clear error', () => {
  const tls = generateServingCertificate();
  const untrusted = generateServingCertificate();
  const sockets = new Set<net.Socket>();
  let silent: net.Server;
  let silentPort = 0;
  let httpsServer: https.Server;
  let httpsPort = 0;

  beforeAll(async () => {
    silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as net.AddressInfo).port;
    httpsServer = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => httpsServer.listen(0, '127.0.0.1', resolve));
    httpsPort = (httpsServer.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    httpsServer.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    await new Promise<void>((resolve) => httpsServer.close(() => resolve()));
  });

  it('connection refused on a closed loopback port', async () => {
    const server = `https://127.0.0.1:${await closedPort()}`;
    useKubeconfig([writeKubeconfig('refused.yaml', [{ name: 'c', server }], [{ name: 'down', cluster: 'c' }], 'down')]);
    const error = await failureOf(clientsFor('down').core.listNamespace(), { context: 'down', server });
    expect(error.toBody().error).toEqual({
      code: 'unreachable',
      status: 502,
      reason: null,
      message: `the cluster at ${server} is not reachable: connection refused — is it running? check the context's server`,
    });
  });

  it('a host name that does not resolve', async () => {
    const server = 'https://apiserver.pullfix.invalid:6443';
    useKubeconfig([writeKubeconfig('dns.yaml', [{ name: 'c', server }], [{ name: 'dns', cluster: 'c' }], 'dns')]);
    const error = await failureOf(clientsFor('dns').core.listNamespace(), { context: 'dns', server });
    expect(error.code).toBe('unreachable');
    expect(error.message).toMatch(/not reachable: the host name (does not resolve|could not be resolved)/);
  });

  it('a certificate from a CA the kubeconfig does not trust', async () => {
    const server = `https://127.0.0.1:${httpsPort}`;
    useKubeconfig([writeKubeconfig('tls.yaml', [{ name: 'c', server, caPem: untrusted.caPem }], [{ name: 'tls', cluster: 'c' }], 'tls')]);
    const error = await failureOf(clientsFor('tls').core.listNamespace(), { context: 'tls', server });
    expect(error.code).toBe('tls');
    expect(error.status).toBe(502);
    expect(error.message).toContain("its TLS certificate is not trusted");
  });

  it('a server that accepts and never answers', async () => {
    process.env.PULLFIX_KUBE_TIMEOUT_MS = '300';
    const server = `https://127.0.0.1:${silentPort}`;
    useKubeconfig([writeKubeconfig('silent.yaml', [{ name: 'c', server }], [{ name: 'slow', cluster: 'c' }], 'slow')]);
    const started = Date.now();
    const error = await failureOf(clientsFor('slow').core.listNamespace(), { context: 'slow', server });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.toBody().error).toMatchObject({ code: 'timeout', status: 504 });
  });

  it('never carries the token or client-node\'s message', async () => {
    const server = `https://127.0.0.1:${await closedPort()}`;
    useKubeconfig([writeKubeconfig('leak.yaml', [{ name: 'c', server }], [{ name: 'leak', cluster: 'c' }], 'leak')]);
    const error = await failureOf(clientsFor('leak').core.listNamespace(), { context: 'leak', server });
    expect(JSON.stringify(error.toBody())).not.toMatch(/not-a-real-token|FetchError|request to/);
  });
});
