import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RegistryEndpointConfig, RegistryFleet, ScenarioRegistry } from '../contracts';
import { generateServingCertificate } from '../tls';
import { createDistributionHandler, type RequestHandler } from './distribution';

export { createPuller, type PullerOptions, type SimPullImage, type SimPullOutcome } from './puller';

/**
 * The scenario's registries, each on its own loopback port, and the map from the host names images use to
 * where the simulated node (and the app) reach them. Hosts that are meant to fail, fail for real where that
 * can stay on this machine: an untrusted certificate, a closed port, a server that never answers, a 503.
 */
export async function startRegistries(registries: ScenarioRegistry[]): Promise<SimRegistryFleet> {
  const running: RunningHost[] = [];
  let caDirectory: string | null = null;
  try {
    for (const registry of registries) {
      if (registry.externalCaPem) caDirectory ??= await mkdtemp(path.join(tmpdir(), 'pullfix-registry-ca-'));
      running.push(await startHost(registry, caDirectory));
    }
  } catch (error) {
    await Promise.all(running.map((host) => host.close()));
    if (caDirectory) await rm(caDirectory, { recursive: true, force: true });
    throw error;
  }
  const byHost = new Map(running.map((host) => [host.host, host]));

  return {
    endpoints: () => ({
      hosts: Object.fromEntries(running.map((host) => [host.host, { ...host.endpoint }])),
    }),
    route: (host) => byHost.get(host)?.route ?? null,
    close: async () => {
      await Promise.all(running.map((host) => host.close()));
      if (caDirectory) await rm(caDirectory, { recursive: true, force: true });
    },
  };
}

export interface SimRegistryFleet extends RegistryFleet {
  /** How the simulated node reaches a host; null when the host does not resolve (unknown, or a 'dns' host). */
  route(host: string): RegistryRoute | null;
}

export interface RegistryRoute {
  endpoint: URL;
  /** Extra CA the node trusts for this host (an external registry's). */
  caPem?: string;
}

type EndpointEntry = RegistryEndpointConfig['hosts'][string];

interface RunningHost {
  host: string;
  endpoint: EndpointEntry;
  route: RegistryRoute | null;
  close(): Promise<void>;
}

async function startHost(registry: ScenarioRegistry, caDirectory: string | null): Promise<RunningHost> {
  const { host } = registry;
  if (registry.externalUrl) {
    const endpoint: EndpointEntry = { endpoint: registry.externalUrl };
    if (registry.externalCaPem && caDirectory) {
      endpoint.caFile = path.join(caDirectory, `${fileSafe(host)}-ca.pem`);
      await writeFile(endpoint.caFile, registry.externalCaPem);
    }
    const route: RegistryRoute = { endpoint: new URL(registry.externalUrl) };
    if (registry.externalCaPem) route.caPem = registry.externalCaPem;
    return { host, endpoint, route, close: async () => {} };
  }
  switch (registry.failure) {
    case 'dns':
      return { host, endpoint: { endpoint: unresolvableEndpoint(host) }, route: null, close: async () => {} };
    case 'refused': {
      const port = await closedPort();
      return { host, ...loopbackHost('http', port), close: async () => {} };
    }
    case 'timeout':
      return startSilentHost(host);
    case 'unavailable':
      return startHttpHost(host, (_request, response) => {
        response.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
        response.end('Service Unavailable\n');
      });
    case 'tls':
      return startUntrustedTlsHost(registry);
    case undefined: {
      let baseUrl = '';
      const running = await startHttpHost(host, createDistributionHandler(registry, () => baseUrl));
      baseUrl = running.endpoint.endpoint;
      return running;
    }
  }
}

/** A name under .invalid fails to resolve without any query leaving the machine (RFC 6761). */
function unresolvableEndpoint(host: string): string {
  const [name = host, port] = host.split(':');
  return `https://${fileSafe(name)}.invalid${port ? `:${port}` : ''}`;
}

function fileSafe(host: string): string {
  return host.replace(/[^a-zA-Z0-9-]/g, '-');
}

function loopbackHost(scheme: 'http' | 'https', port: number): Pick<RunningHost, 'endpoint' | 'route'> {
  const url = `${scheme}://127.0.0.1:${port}`;
  return { endpoint: { endpoint: url }, route: { endpoint: new URL(url) } };
}

async function startHttpHost(host: string, handler: RequestHandler): Promise<RunningHost> {
  const server = createHttpServer(handler);
  const port = await listen(server);
  return { host, ...loopbackHost('http', port), close: () => closeServer(server) };
}

/** The registry itself, behind a certificate from a CA made for the occasion and thrown away. */
async function startUntrustedTlsHost(registry: ScenarioRegistry): Promise<RunningHost> {
  const certificate = generateServingCertificate();
  let baseUrl = '';
  const server = createHttpsServer(
    { cert: certificate.certPem, key: certificate.keyPem },
    createDistributionHandler(registry, () => baseUrl),
  );
  const port = await listen(server);
  const running = { host: registry.host, ...loopbackHost('https', port), close: () => closeServer(server) };
  baseUrl = running.endpoint.endpoint;
  return running;
}

/** Accepts connections and never says a word, like a host behind a black-holing firewall rule. */
async function startSilentHost(host: string): Promise<RunningHost> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => sockets.delete(socket));
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { host, ...loopbackHost('http', port), close };
}

async function closedPort(): Promise<number> {
  const server = createTcpServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
