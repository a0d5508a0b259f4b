import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ApiError } from '../../lib/api/errors';
import type { FixRequest } from '../../lib/api/fix-request';
import { clientsFor } from '../../lib/kube/config';
import { runFix } from '../../lib/kube/fix/run';
import { pointApp } from '../support/app-cluster';
import { startSimCli, type SimProcess } from '../support/sim-cli';

/**
 * A fix whose attach step fails for real after its dry run passed — the workload changed, a webhook refused, the
 * API server fell over — must leave the cluster as it was. The simulator answers the dry run and the real call
 * alike, so a test-owned proxy on loopback sits between pullfix and it and fails only the real patch.
 */
let sim: SimProcess;
let proxy: http.Server;
let faultyKubeconfig: string;
let restoreApp: (() => void) | undefined;

const DEPLOYMENT_PATCH = /^\/apis\/apps\/v1\/namespaces\/default\/deployments\/nginx-david(\?|$)/;

beforeAll(async () => {
  sim = await startSimCli();
  proxy = await startFaultProxy(sim.url);
  faultyKubeconfig = throughProxy(sim.kubeconfig, `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
  restoreApp = pointApp({ PULLFIX_KUBECONFIG: faultyKubeconfig });
}, 100_000);

afterAll(async () => {
  restoreApp?.();
  await new Promise((closed) => proxy?.close(closed));
  await sim?.stop();
});

describe('an apply whose attach step fails', () => {
  it('answers non-2xx naming the step, and deletes the secret it created: the cluster is as it was', async () => {
    const core = clientsFor('sim-admin').core;
    const apps = clientsFor('sim-admin').apps;
    const pod = (await core.listNamespacedPod({ namespace: 'default' })).items.find((candidate) => candidate.metadata?.name?.startsWith('nginx-david-'));
    expect(pod?.metadata?.name).toBeTruthy();
    const before = (await apps.readNamespacedDeployment({ namespace: 'default', name: 'nginx-david' })).spec?.template.spec?.imagePullSecrets;
    const request: FixRequest = {
      mode: 'apply',
      pod: pod!.metadata!.name!,
      container: 'nginx',
      source: { kind: 'new', name: 'regcred-fault', server: 'https://index.docker.io/v1/', username: 'davidpuziol', password: 'Dav1d-pull-2024' },
      target: { kind: 'workload' },
    };

    const failure = await runFix('sim-admin', 'default', request).then(
      () => null,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('fix-failed');
    expect((failure as ApiError).status).toBeGreaterThanOrEqual(400);
    expect((failure as ApiError).message).toMatch(/regcred-fault, created for this fix, was deleted again/);
    const secrets = (await core.listNamespacedSecret({ namespace: 'default' })).items.map((secret) => secret.metadata?.name);
    expect(secrets).not.toContain('regcred-fault');
    const after = (await apps.readNamespacedDeployment({ namespace: 'default', name: 'nginx-david' })).spec?.template.spec?.imagePullSecrets;
    expect(after).toEqual(before);
  }, 60_000);
});

/** Forwards every request to the simulator, except the real (not dry-run) patch of nginx-david: a 500 Status. */
function startFaultProxy(target: string): Promise<http.Server> {
  const upstream = new URL(target);
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = request.url ?? '/';
      if (request.method === 'PATCH' && DEPLOYMENT_PATCH.test(url) && !/[?&]dryRun=All/.test(url)) {
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

/** A copy of the simulator's kubeconfig whose clusters are reached through the proxy. */
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
