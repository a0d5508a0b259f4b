import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * A fix whose step fails for real after its dry run passed — the workload changed, a webhook refused, the API
 * server fell over — must leave the cluster as it was. The simulator answers the dry run and the real call alike,
 * so a test-owned proxy on loopback sits between pullfix and it and fails only the requests `fails` picks (the
 * dry runs carry `dryRun=All`: `isRealCall` tells them apart).
 */
export interface FaultProxy {
  /** A copy of the simulator's kubeconfig whose clusters are reached through the proxy. */
  kubeconfig: string;
  close(): Promise<void>;
}

export async function startFaultProxy(sim: { url: string; kubeconfig: string }, fails: (method: string, url: string) => boolean): Promise<FaultProxy> {
  const server = await listen(sim.url, fails);
  const kubeconfig = throughProxy(sim.kubeconfig, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return { kubeconfig, close: () => new Promise((closed) => server.close(() => closed())) };
}

export function isRealCall(url: string): boolean {
  return !/[?&]dryRun=All/.test(url);
}

/** Forwards every request to the simulator, except the ones `fails` picks: a 500 Status. */
function listen(target: string, fails: (method: string, url: string) => boolean): Promise<http.Server> {
  const upstream = new URL(target);
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = request.url ?? '/';
      if (fails(request.method ?? 'GET', url)) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'injected: the API server fell over', reason: 'InternalError', code: 500 }));
        return;
      }
      const forwarded = https.request(
        { host: upstream.hostname, port: upstream.port, path: url, method: request.method, headers: { ...request.headers, host: upstream.host }, rejectUnauthorized: false },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      forwarded.on('error', () => response.destroy());
      forwarded.end(Buffer.concat(chunks));
    });
  });
  return new Promise((listening) => server.listen(0, '127.0.0.1', () => listening(server)));
}

function throughProxy(kubeconfig: string, server: string): string {
  const config = parse(fs.readFileSync(kubeconfig, 'utf8')) as { clusters: { cluster: Record<string, unknown> }[] };
  for (const entry of config.clusters) {
    delete entry.cluster['certificate-authority-data'];
    delete entry.cluster['certificate-authority'];
    entry.cluster.server = server;
    // client-node speaks plain HTTP only with this set; the proxy is on loopback, in this process.
    entry.cluster['insecure-skip-tls-verify'] = true;
  }
  const copy = path.join(path.dirname(kubeconfig), 'kubeconfig-through-fault-proxy');
  fs.writeFileSync(copy, stringify(config), { mode: 0o600 });
  return copy;
}
