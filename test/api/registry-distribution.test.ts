import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as getPodRegistry } from '../../app/api/contexts/[context]/namespaces/[namespace]/pods/[pod]/registry/route';
import { POST as postCheck } from '../../app/api/registry/check/route';
import type { PodRegistryInfo, RegistryCheckResponse } from '../../lib/api/types';
import { dockerConfigJson } from '../../lib/pull-secrets';
import type { ObjectStore } from '../../sim/testing';
import { ADMIN, pod, serviceAccount, startSimCluster, type SimCluster } from '../kube/sim-cluster';
import { pointApp } from '../support/app-cluster';
import { startDistribution, type RunningDistribution } from '../registry/distribution';

/**
 * The registry routes against Debian's real Distribution registry (htpasswd basic auth, TLS from a private CA),
 * reached as registry.pullfix.test through the registry configuration, with the pull secrets and the pod in
 * the simulated API server.
 */
const HOST = 'registry.pullfix.test';
let registry: RunningDistribution;
let cluster: SimCluster;
let directory: string;
let restoreApp: (() => void) | undefined;

beforeAll(async () => {
  registry = await startDistribution();
  cluster = await startSimCluster((store) => seed(store, registry));
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pullfix-registry-distribution-'));
  const config = path.join(directory, 'registries.json');
  fs.writeFileSync(config, JSON.stringify(registry.endpoints(HOST)));
  restoreApp = pointApp({ PULLFIX_KUBECONFIG: cluster.kubeconfig, PULLFIX_REGISTRY_CONFIG: config });
});
afterAll(async () => {
  restoreApp?.();
  await cluster?.close();
  await registry?.stop();
  if (directory) fs.rmSync(directory, { recursive: true, force: true });
});

function seed(store: ObjectStore, running: RunningDistribution): void {
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dist' }, status: { phase: 'Active' } });
  serviceAccount(store, 'dist', 'default', []);
  for (const [name, password] of [['dist-creds', running.password], ['dist-wrong', 'not-the-password']] as const) {
    const config = dockerConfigJson({ server: HOST, username: running.username, password });
    store.create('secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: 'dist' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(config).toString('base64') },
    });
  }
  pod(store, 'dist', 'app', { pullSecrets: ['dist-creds'], containers: [{ name: 'app', image: `${HOST}/pullfix/app:1.5`, waiting: ['ErrImagePull', 'not found'] }] });
}

const check = async (credential: unknown): Promise<{ result: RegistryCheckResponse; text: string }> => {
  const response = await postCheck(
    new NextRequest('http://127.0.0.1:3000/api/registry/check', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000', cookie: 'pullfix-csrf=t0k', 'x-pullfix-csrf': 't0k' },
      body: JSON.stringify({ context: ADMIN.name, image: `${HOST}/pullfix/app:1.0`, credential, pod: { namespace: 'dist', name: 'app' } }),
    }),
  );
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return { result: JSON.parse(text) as RegistryCheckResponse, text };
};

describe('the registry check against Distribution', () => {
  it('says the secret with the right password can pull, with the pushed digest', async () => {
    const { result, text } = await check({ kind: 'secret', namespace: 'dist', name: 'dist-creds' });
    expect(result).toMatchObject({ ok: true, digest: registry.app.digest, registry: HOST, repository: 'pullfix/app', username: registry.username });
    expect(text).not.toContain(registry.password);
  });

  it('says the secret with the wrong password is refused', async () => {
    const { result } = await check({ kind: 'secret', namespace: 'dist', name: 'dist-wrong' });
    expect(result).toMatchObject({ ok: false, cause: 'unauthorized', digest: null });
  });

  it('says an anonymous pull is refused', async () => {
    const { result } = await check({ kind: 'anonymous' });
    expect(result).toMatchObject({ ok: false, cause: 'unauthorized', username: null });
  });
});

describe('the pod\'s registry info against Distribution', () => {
  it('lists the tags closest to the missing one with the pod\'s secret; the missing image has no platforms', async () => {
    const response = await getPodRegistry(new NextRequest('http://127.0.0.1:3000/api/contexts/x/namespaces/dist/pods/app/registry?container=app'), {
      params: Promise.resolve({ context: ADMIN.name, namespace: 'dist', pod: 'app' }),
    });
    expect(response.status).toBe(200);
    const info = (await response.json()) as PodRegistryInfo;
    expect(info.credential).toEqual({ secret: 'dist-creds', username: registry.username });
    expect(info.tags).toEqual({ ok: true, suggestions: ['1.0', '3.0', '2.0'], complete: true });
    expect(info.platforms).toMatchObject({
      image: null,
      imageMessage: expect.stringContaining('pullfix/app:1.5 does not exist'),
      nodeName: 'node-1',
      node: null,
      nodeMessage: 'unknown: node node-1 no longer exists',
    });
  });
});
