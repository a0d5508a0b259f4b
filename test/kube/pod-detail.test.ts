import { beforeAll, describe, expect, it } from 'vitest';
import type { PodDiagnosis } from '../../lib/api/types';
import { getPodDiagnosis } from '../../lib/kube/pod-detail';
import { ADMIN, MESSAGES, REGISTRY_PASSWORD, VIEWER, pod, pullSecret, seedPullFailures, serviceAccount, simClusterForFile } from './sim-cluster';

const cluster = simClusterForFile((store) => {
  seedPullFailures(store);
  // late: the service account got the matching secret after the pod was created.
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'late' } });
  pod(store, 'late', 'web', { containers: [{ name: 'app', image: 'docker.io/davidpuziol/nginx:1.0', waiting: ['ErrImagePull', MESSAGES.denied] }] });
  pullSecret(store, 'late', 'regcred', 'https://index.docker.io/v1/', 'davidpuziol');
  serviceAccount(store, 'late', 'default', ['regcred', 'not-created']);
});

describe('getPodDiagnosis for the tutorial pod', () => {
  let detail: PodDiagnosis;
  beforeAll(async () => {
    detail = await getPodDiagnosis(ADMIN.name, 'shop', 'web-7d4b9c8f6d-x2x9k');
  });

  it('names the pod, its owner chain and its workload', () => {
    expect(detail).toMatchObject({
      context: 'sim-admin',
      namespace: 'shop',
      pod: 'web-7d4b9c8f6d-x2x9k',
      phase: 'Pending',
      nodeName: 'node-1',
      serviceAccount: 'default',
      owners: [
        { kind: 'ReplicaSet', name: 'web-7d4b9c8f6d' },
        { kind: 'Deployment', name: 'web' },
      ],
      workload: { kind: 'Deployment', name: 'web' },
      warnings: [],
    });
  });

  it('breaks the image down and says what was implied', () => {
    const [app] = detail.containers;
    expect(app).toMatchObject({
      name: 'app',
      containerType: 'regular',
      imageInput: 'davidpuziol/nginx:1.0',
      image: { registry: 'docker.io', account: 'davidpuziol', image: 'nginx', tag: '1.0', normalized: 'docker.io/davidpuziol/nginx:1.0' },
      implied: { registry: true, account: false, tag: false },
      state: 'waiting',
      reason: 'ImagePullBackOff',
      failing: true,
      cause: 'unauthorized',
      verdict: { code: 'secret-not-attached', secretName: 'regcred' },
    });
  });

  it('explains, entry by entry, which secret would match and by which rule', () => {
    expect(detail.containers[0]?.secretMatches.map(({ secret, server, matches, rule }) => ({ secret, server, matches, rule }))).toEqual([
      { secret: 'quay-cred', server: 'quay.io', matches: false, rule: 'host-mismatch' },
      { secret: 'regcred', server: 'https://index.docker.io/v1/', matches: true, rule: 'docker-hub-fallback' },
    ]);
  });

  it('lists the kubelet events with counts and first/last seen', () => {
    expect(detail.events).toEqual([
      {
        type: 'Warning',
        reason: 'Failed',
        message: `Failed to pull image "davidpuziol/nginx:1.0": ${MESSAGES.denied}`,
        count: 4,
        firstSeen: '2026-11-26T09:00:00Z',
        lastSeen: '2026-11-26T09:20:00Z',
        source: 'kubelet, node-1',
        container: 'app',
      },
      {
        type: 'Normal',
        reason: 'BackOff',
        message: MESSAGES.backOff,
        count: 9,
        firstSeen: '2026-11-26T09:00:00Z',
        lastSeen: '2026-11-26T09:30:00Z',
        source: 'kubelet, node-1',
        container: 'app',
      },
    ]);
  });

  it('shows the matching unattached secret without its password', () => {
    expect(detail.secrets).toMatchObject({ readable: true, note: null, secrets: [], missing: [] });
    expect(detail.secrets.serviceAccount).toEqual({ name: 'default', exists: true, imagePullSecrets: [], addedAfterPod: [] });
    expect(detail.secrets.unattachedMatching).toEqual([
      {
        name: 'regcred',
        type: 'kubernetes.io/dockerconfigjson',
        attachedTo: [],
        status: 'ok',
        problem: null,
        created: expect.stringMatching(/Z$/),
        entries: [
          {
            server: 'https://index.docker.io/v1/',
            kubeletKey: 'index.docker.io',
            username: 'davidpuziol',
            hasPassword: true,
            fingerprint: expect.stringMatching(/^fp:[0-9a-f]{12}$/),
            email: null,
            ignoredReason: null,
          },
        ],
      },
    ]);
    const json = JSON.stringify(detail);
    expect(json).not.toContain(REGISTRY_PASSWORD);
    expect(json).not.toContain(Buffer.from(`davidpuziol:${REGISTRY_PASSWORD}`).toString('base64'));
  });
});

describe('getPodDiagnosis findings', () => {
  it('a malformed attached secret, with the decode error', async () => {
    const detail = await getPodDiagnosis(ADMIN.name, 'data', 'db-0');
    expect(detail.containers[0]?.verdict?.code).toBe('malformed-secret');
    expect(detail.secrets.secrets).toMatchObject([
      { name: 'db-registry', attachedTo: ['pod'], status: 'malformed', problem: { code: 'bad-json' }, entries: [] },
    ]);
  });

  it('a referenced secret that does not exist', async () => {
    const detail = await getPodDiagnosis(ADMIN.name, 'tools', 'debug');
    expect(detail.secrets.missing).toEqual(['ghcr-cred']);
    expect(detail.containers[0]?.verdict).toMatchObject({ code: 'referenced-secret-missing', secretName: 'ghcr-cred' });
    expect(detail.workload).toBeNull();
    expect(detail.owners).toEqual([]);
  });

  it('a pod created before its service account got the secret', async () => {
    const detail = await getPodDiagnosis(ADMIN.name, 'late', 'web');
    expect(detail.containers[0]?.verdict).toMatchObject({ code: 'pod-predates-service-account', secretName: 'regcred' });
    expect(detail.secrets.serviceAccount).toEqual({ name: 'default', exists: true, imagePullSecrets: ['regcred', 'not-created'], addedAfterPod: ['regcred', 'not-created'] });
    expect(detail.secrets.secrets.map((secret) => [secret.name, secret.attachedTo])).toEqual([['regcred', ['service-account']]]);
    expect(detail.secrets.missing).toEqual(['not-created']);
  });

  it('a running container gets no verdict but still its breakdown', async () => {
    const detail = await getPodDiagnosis(ADMIN.name, 'shop', 'web-5c6f7d8e9a-h7j2k');
    expect(detail.containers[0]).toMatchObject({
      state: 'running',
      failing: false,
      cause: null,
      verdict: null,
      implied: { registry: true, account: true, tag: false },
    });
  });

  it('an init container that waits on a missing tag', async () => {
    const detail = await getPodDiagnosis(ADMIN.name, 'jobs', 'report-28912345-5vq2c');
    expect(detail.containers.map((c) => [c.containerType, c.name, c.failing, c.verdict?.code ?? null])).toEqual([
      ['init', 'fetch', true, 'tag-not-found'],
      ['regular', 'report', false, null],
    ]);
    expect(detail.owners).toEqual([
      { kind: 'Job', name: 'report-28912345' },
      { kind: 'CronJob', name: 'report' },
    ]);
  });
});

describe('getPodDiagnosis without access to secrets', () => {
  it('diagnoses from the pod and events and says what it could not read', async () => {
    const detail = await getPodDiagnosis(VIEWER.name, 'shop', 'web-7d4b9c8f6d-x2x9k');
    expect(detail.secrets.readable).toBe(false);
    expect(detail.secrets.note).toMatch(/could not be read/);
    expect(detail.secrets.unattachedMatching).toEqual([]);
    expect(detail.containers[0]?.verdict).toMatchObject({ code: 'missing-secret', partial: true });
    expect(detail.events).toHaveLength(2);
    expect(detail.warnings).toEqual([{ code: 'secrets-forbidden', namespace: 'shop', message: expect.stringContaining('may not list secrets in namespace "shop"') }]);
  });
});

describe('getPodDiagnosis errors', () => {
  it('a pod that does not exist is a 404 with the cluster\'s words', async () => {
    await expect(getPodDiagnosis(ADMIN.name, 'shop', 'nope')).rejects.toMatchObject({
      code: 'not-found',
      status: 404,
      reason: 'NotFound',
      message: 'not found in context "sim-admin": pods "nope" not found',
    });
  });
});

describe('getPodDiagnosis for many people at once', () => {
  it('makes one set of reads for identical diagnoses in flight, and reads again afterwards', async () => {
    const podGets = (before: number) =>
      cluster().server.requestLog.slice(before).filter((entry) => new URL(entry.path, cluster().server.url).pathname === '/api/v1/namespaces/shop/pods/web-7d4b9c8f6d-x2x9k');
    const before = cluster().server.requestLog.length;
    const answers = await Promise.all(Array.from({ length: 10 }, () => getPodDiagnosis(ADMIN.name, 'shop', 'web-7d4b9c8f6d-x2x9k')));
    expect(podGets(before)).toHaveLength(1);
    expect(cluster().server.requestLog.slice(before).filter((entry) => entry.path.includes('/secrets'))).toHaveLength(1);
    for (const answer of answers) expect(answer).toBe(answers[0]);

    const later = cluster().server.requestLog.length;
    await getPodDiagnosis(ADMIN.name, 'shop', 'web-7d4b9c8f6d-x2x9k');
    expect(podGets(later)).toHaveLength(1);
  });
});
