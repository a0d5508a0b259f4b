import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailuresResponse, PullFailure } from '../../lib/api/types';
import { reloadKubeConfig } from '../../lib/kube/config';
import { failuresCallBudget, listPullFailures } from '../../lib/kube/failures';
import { admit, applyScenario, generateScaleScenario, startControllers } from '../../sim/testing';
import { ADMIN, REGISTRY_PASSWORD, STRANGER, VIEWER, pod, seedPullFailures, startSimCluster, type SimCluster, simClusterForFile } from './sim-cluster';

const cluster = simClusterForFile();

/** The fields a person reads in the overview, per failing container. */
function summary(item: PullFailure) {
  return {
    at: `${item.namespace}/${item.pod}/${item.container}`,
    containerType: item.containerType,
    reason: item.reason,
    cause: item.cause,
    verdict: item.verdict.code,
    secret: item.verdict.secretName,
    partial: item.verdict.partial,
    workload: item.workload,
    workloadPods: item.workloadPods,
  };
}

describe('listPullFailures as the admin', () => {
  let result: FailuresResponse;
  beforeAll(async () => {
    result = await listPullFailures(ADMIN.name, null);
  });

  it('finds every failing container in every namespace, with cause, verdict and workload', () => {
    expect(result.items.map(summary)).toEqual([
      {
        at: 'data/agent-7xk2p/agent',
        containerType: 'regular',
        reason: 'InvalidImageName',
        cause: 'invalid-name',
        verdict: 'invalid-reference',
        secret: null,
        partial: false,
        workload: { kind: 'DaemonSet', name: 'agent' },
        workloadPods: { failing: 1, total: 1 },
      },
      {
        at: 'data/db-0/postgres',
        containerType: 'regular',
        reason: 'ErrImagePull',
        cause: 'unauthorized',
        verdict: 'malformed-secret',
        secret: 'db-registry',
        partial: false,
        workload: { kind: 'StatefulSet', name: 'db' },
        workloadPods: { failing: 1, total: 1 },
      },
      {
        at: 'jobs/report-28912345-5vq2c/fetch',
        containerType: 'init',
        reason: 'ErrImagePull',
        cause: 'not-found',
        verdict: 'tag-not-found',
        secret: null,
        partial: false,
        workload: { kind: 'CronJob', name: 'report' },
        workloadPods: { failing: 1, total: 1 },
      },
      ...['q8m4z', 'x2x9k'].map((suffix) => ({
        at: `shop/web-7d4b9c8f6d-${suffix}/app`,
        containerType: 'regular',
        reason: 'ImagePullBackOff',
        // The waiting message is only "Back-off pulling image": the cause comes from the kubelet's Failed event.
        cause: 'unauthorized',
        verdict: 'secret-not-attached',
        secret: 'regcred',
        partial: false,
        workload: { kind: 'Deployment', name: 'web' },
        workloadPods: { failing: 2, total: 3 },
      })),
      {
        at: 'tools/anon/web',
        containerType: 'regular',
        reason: 'FailedToRetrieveImagePullSecret',
        cause: 'unknown',
        verdict: 'referenced-secret-missing',
        secret: 'gone',
        partial: false,
        workload: null,
        workloadPods: { failing: 1, total: 1 },
      },
      {
        at: 'tools/debug/tool',
        containerType: 'regular',
        reason: 'ErrImagePull',
        cause: 'unauthorized',
        verdict: 'referenced-secret-missing',
        secret: 'ghcr-cred',
        partial: false,
        workload: null,
        workloadPods: { failing: 1, total: 1 },
      },
    ]);
    expect(result.warnings).toEqual([]);
    expect(Date.parse(result.fetchedAt)).not.toBeNaN();
  });

  it('keeps the image breakdown, or the raw string and where it breaks', () => {
    const web = result.items.find((item) => item.pod.startsWith('web-'));
    expect(web?.imageInput).toBe('davidpuziol/nginx:1.0');
    expect(web?.image).toMatchObject({ registry: 'docker.io', account: 'davidpuziol', image: 'nginx', tag: '1.0', normalized: 'docker.io/davidpuziol/nginx:1.0' });
    const agent = result.items.find((item) => item.pod === 'agent-7xk2p');
    expect(agent?.image).toBeNull();
    expect(agent?.imageInput).toBe('Nginx');
    expect(agent?.imageError).toMatchObject({ code: 'uppercase', message: expect.stringContaining('couldn\'t parse image name "Nginx"') });
  });

  it('summarizes the pull secrets each image depends on', () => {
    const byPod = new Map(result.items.map((item) => [item.pod, item.pullSecrets]));
    expect(byPod.get('web-7d4b9c8f6d-x2x9k')).toEqual({ attached: [], matching: [], unattachedMatching: ['regcred'], missing: [], malformed: [], readable: true });
    expect(byPod.get('db-0')).toEqual({ attached: ['db-registry'], matching: [], unattachedMatching: [], missing: [], malformed: ['db-registry'], readable: true });
    expect(byPod.get('debug')).toEqual({ attached: ['ghcr-cred'], matching: [], unattachedMatching: [], missing: ['ghcr-cred'], malformed: [], readable: true });
  });

  it('gives each item a verdict a person can act on, and the pod age', () => {
    for (const item of result.items) {
      expect(item.verdict.title.length).toBeGreaterThan(0);
      expect(item.verdict.explanation.length).toBeGreaterThan(0);
      expect(item.verdict.fix.length).toBeGreaterThan(0);
      expect(item.podCreated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  it("dates each pull failure from the kubelet's first failed-pull event, and leaves it unknown without one", () => {
    const since = new Map(result.items.map((item) => [`${item.namespace}/${item.pod}`, item.failingSince]));
    // The seeded Failed and BackOff events of shop/web share one firstTimestamp; agent has no events at all.
    expect(since.get('shop/web-7d4b9c8f6d-x2x9k')).toBe('2026-11-26T09:00:00Z');
    expect(since.get('shop/web-7d4b9c8f6d-q8m4z')).toBe('2026-11-26T09:00:00Z');
    expect(since.get('data/agent-7xk2p')).toBeNull();
  });

  it('never returns a password, token or auth value', () => {
    const json = JSON.stringify(result);
    expect(json).not.toContain(REGISTRY_PASSWORD);
    expect(json).not.toContain(Buffer.from(`davidpuziol:${REGISTRY_PASSWORD}`).toString('base64'));
    expect(json).not.toContain(ADMIN.token);
  });

  it('narrows to one namespace', async () => {
    const shop = await listPullFailures(ADMIN.name, 'shop');
    expect(shop.items.map((item) => item.pod)).toEqual(['web-7d4b9c8f6d-q8m4z', 'web-7d4b9c8f6d-x2x9k']);
    expect((await listPullFailures(ADMIN.name, 'quiet')).items).toEqual([]);
  });
});

describe('listPullFailures as a viewer who may not read secrets', () => {
  let result: FailuresResponse;
  beforeAll(async () => {
    result = await listPullFailures(VIEWER.name, null);
  });

  it('still diagnoses from pods and events, flagged partial', () => {
    const verdicts = Object.fromEntries(result.items.map((item) => [`${item.pod}/${item.container}`, [item.cause, item.verdict.code, item.verdict.partial]]));
    expect(verdicts).toEqual({
      'agent-7xk2p/agent': ['invalid-name', 'invalid-reference', false],
      'db-0/postgres': ['unauthorized', 'credentials-rejected', true],
      'report-28912345-5vq2c/fetch': ['not-found', 'tag-not-found', false],
      'web-7d4b9c8f6d-q8m4z/app': ['unauthorized', 'missing-secret', true],
      'web-7d4b9c8f6d-x2x9k/app': ['unauthorized', 'missing-secret', true],
      'anon/web': ['unknown', 'unknown', false],
      'debug/tool': ['unauthorized', 'credentials-rejected', true],
    });
    for (const item of result.items) expect(item.pullSecrets.readable).toBe(false);
  });

  it('says in plain words, per namespace, what could not be read and why', () => {
    expect(result.warnings.map((warning) => [warning.code, warning.namespace])).toEqual([
      ['secrets-forbidden', 'data'],
      ['secrets-forbidden', 'jobs'],
      ['secrets-forbidden', 'shop'],
      ['secrets-forbidden', 'tools'],
    ]);
    expect(result.warnings[0]?.message).toBe(
      'the user of context "sim-viewer" may not list secrets in namespace "data", so the diagnosis comes from the pods and events only: which pull secrets exist, match or are malformed is unknown',
    );
  });
});

describe('errors become the one error shape', () => {
  it('401 for credentials the cluster does not accept', async () => {
    await expect(listPullFailures(STRANGER.name, null)).rejects.toMatchObject({
      code: 'unauthorized',
      status: 401,
      reason: 'Unauthorized',
      message: `the cluster at ${cluster().server.url} did not accept the credentials of context "sim-stranger" — the token or certificate is invalid or expired; refresh the kubeconfig's credentials`,
    });
  });

  it('404 for a context that is not in the kubeconfig', async () => {
    await expect(listPullFailures('prod', null)).rejects.toMatchObject({ code: 'unknown-context', status: 404 });
  });
});

describe('the API-call budget', () => {
  let big: SimCluster;
  beforeAll(async () => {
    big = await startSimCluster((store) => {
      seedPullFailures(store);
      for (let index = 0; index < 1200; index += 1) {
        pod(store, `bulk-${index % 6}`, `idle-${index}`, { containers: [{ name: 'idle', image: 'registry.k8s.io/pause:3.9', running: true }] });
      }
    });
    process.env.PULLFIX_KUBECONFIG = big.kubeconfig;
    reloadKubeConfig();
  });
  afterAll(async () => {
    process.env.PULLFIX_KUBECONFIG = cluster().kubeconfig;
    reloadKubeConfig();
    await big?.close();
  });

  it('grows with the namespaces that have failures, not with the pods', async () => {
    const before = big.server.requestLog.length;
    const result = await listPullFailures(ADMIN.name, null);
    const requests = big.server.requestLog.slice(before).map((entry) => new URL(entry.path, big.server.url).pathname);
    const pods = big.store.list('pods').length;
    expect(pods).toBe(1211);

    const count = (path: string) => requests.filter((request) => request === path).length;
    expect(count('/api/v1/pods')).toBe(3);
    expect(count('/api/v1/events')).toBe(1);
    for (const namespace of ['data', 'jobs', 'shop', 'tools']) {
      expect(count(`/api/v1/namespaces/${namespace}/events`)).toBe(1);
      expect(count(`/api/v1/namespaces/${namespace}/secrets`)).toBe(1);
      expect(count(`/api/v1/namespaces/${namespace}/serviceaccounts`)).toBe(1);
    }
    expect(count('/apis/apps/v1/namespaces/shop/replicasets')).toBe(1);
    expect(count('/apis/batch/v1/namespaces/jobs/jobs')).toBe(1);
    // One node list for KEP-2535's verdicts, whatever the number of failing pods and nodes.
    expect(count('/api/v1/nodes')).toBe(1);
    expect(requests.filter((request) => /bulk-|quiet/.test(request))).toEqual([]);
    expect(requests).toHaveLength(3 + 1 + 4 * 3 + 2 + 1);
    expect(requests.length).toBeLessThanOrEqual(failuresCallBudget(pods, 4));
    expect(result.items).toHaveLength(7);
  });
});

describe('the API-call budget on the scale scenario', () => {
  // 500 Deployments of ten pods, one in fifty failing, spread evenly: every other namespace has a failure, so
  // the test also sees namespaces the query must leave alone.
  const SCALE = { namespaces: 20, pods: 5000, failingRatio: 0.02 };
  let scale: SimCluster;
  beforeAll(async () => {
    scale = await startSimCluster(() => {});
    // The controllers give each namespace its default service account, which admission wants before a pod.
    // The pods come pre-settled, failures and all, so no kubelet is needed, and nothing changes once applied.
    const controllers = startControllers({ store: scale.store, admit, timeScale: 0.1 });
    await applyScenario(generateScaleScenario(SCALE), { store: scale.store, admit, settle: () => controllers.settle() });
    controllers.stop();
    process.env.PULLFIX_KUBECONFIG = scale.kubeconfig;
    reloadKubeConfig();
  }, 60_000);
  afterAll(async () => {
    process.env.PULLFIX_KUBECONFIG = cluster().kubeconfig;
    reloadKubeConfig();
    await scale?.close();
  });

  it('stays within failuresCallBudget(P, N): four lists per affected namespace, none for the others', async () => {
    const before = scale.server.requestLog.length;
    const result = await listPullFailures(ADMIN.name, null);
    const requests = scale.server.requestLog.slice(before).map((entry) => new URL(entry.path, scale.server.url).pathname);

    const pods = scale.store.list('pods');
    const affected = new Set(result.items.map((item) => item.namespace));
    const quiet = scale.store.list('namespaces').map((namespace) => namespace.metadata.name).filter((name) => !affected.has(name));
    expect(pods).toHaveLength(SCALE.pods);
    expect(result.items).toHaveLength(pods.length * SCALE.failingRatio);
    expect(affected.size).toBe(SCALE.namespaces / 2);
    expect(quiet.filter((name) => name.startsWith('scale-'))).toHaveLength(SCALE.namespaces / 2);

    const perNamespace = new Map<string, number>();
    for (const request of requests) {
      const namespace = /\/namespaces\/([^/]+)\//.exec(request)?.[1];
      if (namespace) perNamespace.set(namespace, (perNamespace.get(namespace) ?? 0) + 1);
    }
    expect([...perNamespace.keys()].sort()).toEqual([...affected].sort());
    // Events, secrets, service accounts and ReplicaSets: every failing pod here is a Deployment's, so no Jobs.
    for (const count of perNamespace.values()) expect(count).toBe(4);
    expect(requests.filter((request) => request === '/api/v1/pods')).toHaveLength(Math.ceil(pods.length / 500));
    expect(requests.filter((request) => request === '/api/v1/nodes')).toHaveLength(1);
    expect(requests).toHaveLength(Math.ceil(pods.length / 500) + 1 + 4 * affected.size + 1);
    expect(requests.length).toBeLessThanOrEqual(failuresCallBudget(pods.length, affected.size));
  }, 60_000);
});
