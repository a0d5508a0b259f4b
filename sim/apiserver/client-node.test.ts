import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../test/support/wait';
import { ADMIN, VIEWER, startTestCluster, type TestCluster } from './testing';

// @kubernetes/client-node 1.4 against the simulator, over HTTPS with the generated CA and bearer tokens.

let cluster: TestCluster;

function config(context = ADMIN.name): k8s.KubeConfig {
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfig);
  kubeConfig.setCurrentContext(context);
  return kubeConfig;
}

async function apiError(promise: Promise<unknown>): Promise<k8s.ApiException<unknown>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof k8s.ApiException) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

function statusOf(error: k8s.ApiException<unknown>): { kind: string; code: number; reason: string; message: string; details?: Record<string, unknown> } {
  return JSON.parse(error.body as string);
}

beforeAll(async () => {
  cluster = await startTestCluster();
});

afterAll(async () => {
  await cluster?.close();
});

describe('client-node reads', () => {
  it('lists pods across namespaces with a field selector', async () => {
    const core = config().makeApiClient(k8s.CoreV1Api);
    const pending = await core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Pending' });
    expect(pending.items.map((pod) => pod.metadata?.name)).toEqual(['init-fails', 'web-7d4b9c-x2x9k']);
    const running = await core.listPodForAllNamespaces({ fieldSelector: 'status.phase!=Pending' });
    expect(running.items.map((pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`)).toEqual(['team-a/nginx-public']);
    expect(Number(running.metadata?.resourceVersion)).toBeGreaterThan(0);
  });

  it('lists events by involvedObject fields and pods by label selector', async () => {
    const core = config().makeApiClient(k8s.CoreV1Api);
    const events = await core.listNamespacedEvent({ namespace: 'default', fieldSelector: 'involvedObject.kind=Pod,involvedObject.name=web-7d4b9c-x2x9k' });
    expect(events.items.map((event) => event.reason)).toEqual(['Failed']);
    const labelled = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app in (web),tier!=back,!missing' });
    expect(labelled.items).toHaveLength(2);
  });

  it('paginates with limit and opaque continue tokens until the list is exhausted', async () => {
    const core = config().makeApiClient(k8s.CoreV1Api);
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 1, _continue: token });
      names.push(...page.items.map((pod) => pod.metadata!.name!));
      token = page.metadata?._continue;
      pages += 1;
    } while (token && pages < 10);
    expect(names).toEqual(['init-fails', 'web-7d4b9c-x2x9k', 'nginx-public']);
    expect(pages).toBe(3);
    const bad = await apiError(core.listPodForAllNamespaces({ limit: 1, _continue: 'garbage' }));
    expect(bad.code).toBe(400);
  });

  it('reads one object, and a missing one is a NotFound Status', async () => {
    const apps = config().makeApiClient(k8s.AppsV1Api);
    const deployment = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
    expect(deployment.spec?.template.spec?.imagePullSecrets).toEqual([{ name: 'existing' }]);
    const missing = await apiError(apps.readNamespacedDeployment({ name: 'nope', namespace: 'default' }));
    expect(missing.code).toBe(404);
    expect(statusOf(missing)).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'deployments.apps "nope" not found',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
    });
  });
});

describe('client-node writes', () => {
  it('creates a secret, folding stringData into data, and rejects a duplicate with AlreadyExists', async () => {
    const core = config().makeApiClient(k8s.CoreV1Api);
    const body = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'from-client' }, type: 'Opaque', stringData: { token: 'abc' } };
    const created = await core.createNamespacedSecret({ namespace: 'default', body });
    expect(created.data).toEqual({ token: Buffer.from('abc').toString('base64') });
    expect(created.stringData).toBeUndefined();
    const duplicate = await apiError(core.createNamespacedSecret({ namespace: 'default', body }));
    expect(duplicate.code).toBe(409);
    expect(statusOf(duplicate)).toMatchObject({ reason: 'AlreadyExists', message: 'secrets "from-client" already exists' });
  });

  it('a dry-run create returns the object and stores nothing', async () => {
    const core = config().makeApiClient(k8s.CoreV1Api);
    const preview = await core.createNamespacedSecret({
      namespace: 'default',
      dryRun: 'All',
      body: { metadata: { name: 'dry' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') } },
    });
    expect(preview.metadata?.name).toBe('dry');
    expect(cluster.store.get('secrets', 'default', 'dry')).toBeUndefined();
  });

  it('patches a deployment with a strategic merge patch when the Content-Type is set', async () => {
    const apps = config().makeApiClient(k8s.AppsV1Api);
    const patched = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'default', body: { spec: { template: { spec: { imagePullSecrets: [{ name: 'regcred' }] } } } }, fieldManager: 'pullfix' },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    expect(patched.spec?.template.spec?.imagePullSecrets).toEqual([{ name: 'existing' }, { name: 'regcred' }]);
  });

  it('answers the forgotten Content-Type (JSON patch with an object body) with the real 400', async () => {
    const apps = config().makeApiClient(k8s.AppsV1Api);
    const error = await apiError(
      apps.patchNamespacedDeployment({ name: 'web', namespace: 'default', body: { spec: { template: { spec: { imagePullSecrets: [{ name: 'x' }] } } } } }),
    );
    expect(error.code).toBe(400);
    expect(statusOf(error)).toMatchObject({
      reason: 'BadRequest',
      message: 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp',
    });
  });

  it('rejects a pod spec change with 422 Invalid and field causes', async () => {
    const core = config().makeApiClient(k8s.CoreV1Api);
    const error = await apiError(
      core.patchNamespacedPod(
        { name: 'web-7d4b9c-x2x9k', namespace: 'default', body: { spec: { imagePullSecrets: [{ name: 'regcred' }] } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(error.code).toBe(422);
    const status = statusOf(error);
    expect(status.reason).toBe('Invalid');
    expect(status.details).toMatchObject({ name: 'web-7d4b9c-x2x9k', kind: 'Pod', causes: [{ reason: 'FieldValueForbidden', field: 'spec' }] });
  });

  it('an update with a stale resourceVersion is a Conflict', async () => {
    const core = config().makeApiClient(k8s.CoreV1Api);
    const account = await core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' });
    await core.replaceNamespacedServiceAccount({ name: 'default', namespace: 'default', body: { ...account, imagePullSecrets: [{ name: 'a' }] } });
    const stale = await apiError(core.replaceNamespacedServiceAccount({ name: 'default', namespace: 'default', body: { ...account, imagePullSecrets: [{ name: 'b' }] } }));
    expect(stale.code).toBe(409);
    expect(statusOf(stale)).toMatchObject({
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on serviceaccounts "default": the object has been modified; please apply your changes to the latest version and try again',
    });
  });
});

describe('client-node access checks and errors', () => {
  it('answers SelfSubjectAccessReviews from the user rules', async () => {
    const review = (context: string, verb: string, resource: string) =>
      config(context)
        .makeApiClient(k8s.AuthorizationV1Api)
        .createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: { namespace: 'default', verb, group: '', resource } } } });
    expect((await review(ADMIN.name, 'create', 'secrets')).status?.allowed).toBe(true);
    expect((await review(VIEWER.name, 'create', 'secrets')).status?.allowed).toBe(false);
    expect((await review(VIEWER.name, 'list', 'pods')).status?.allowed).toBe(true);
  });

  it('gives the viewer a Forbidden Status and an unknown token a 401', async () => {
    const forbidden = await apiError(config(VIEWER.name).makeApiClient(k8s.CoreV1Api).listNamespacedSecret({ namespace: 'default' }));
    expect(forbidden.code).toBe(403);
    expect(statusOf(forbidden)).toMatchObject({
      reason: 'Forbidden',
      message: `secrets is forbidden: User "${VIEWER.username}" cannot list resource "secrets" in API group "" in the namespace "default"`,
      details: { kind: 'secrets' },
    });
    const stranger = config();
    stranger.users = stranger.users.map((user) => ({ ...user, token: 'unknown' }));
    const unauthorized = await apiError(stranger.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: 'default' }));
    expect(unauthorized.code).toBe(401);
  });
});

describe('client-node watch', () => {
  it('delivers events after the list resourceVersion, with selectors applied', async () => {
    const core = config().makeApiClient(k8s.CoreV1Api);
    const list = await core.listNamespacedPod({ namespace: 'default' });
    const watch = await startWatch('/api/v1/namespaces/default/pods', { resourceVersion: list.metadata?.resourceVersion, labelSelector: 'app=watched' });
    await core.createNamespacedPod({ namespace: 'default', body: watchedPod('ignored', 'other') });
    await core.createNamespacedPod({ namespace: 'default', body: watchedPod('w1', 'watched') });
    await core.patchNamespacedPod(
      { name: 'w1', namespace: 'default', body: { metadata: { annotations: { touched: 'yes' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedPod({ name: 'w1', namespace: 'default' });
    expect(await watch.take(3)).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
  });

  it('resumes from an older resourceVersion by replaying history', async () => {
    const core = config().makeApiClient(k8s.CoreV1Api);
    const start = (await core.listNamespacedPod({ namespace: 'default' })).metadata!.resourceVersion!;
    await core.createNamespacedPod({ namespace: 'default', body: watchedPod('replayed', 'replay') });
    const watch = await startWatch('/api/v1/namespaces/default/pods', { resourceVersion: start, labelSelector: 'app=replay' });
    expect(await watch.take(1)).toEqual(['ADDED replayed']);
  });

  it('ends a watch from a compacted resourceVersion with an ERROR 410 Expired event', async () => {
    for (let index = 0; index < 10_050; index += 1) {
      cluster.store.create('events', { apiVersion: 'v1', kind: 'Event', metadata: { name: `churn-${index}`, namespace: 'kube-system' } });
    }
    const watch = await startWatch('/api/v1/namespaces/default/pods', { resourceVersion: '3' });
    expect(await watch.take(1)).toEqual(['ERROR Expired']);
    expect(watch.objects[0]).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });
});

describe('client-node informer', () => {
  it('lists, then watches from the list resourceVersion, and reports add, update and delete', async () => {
    const kubeConfig = config();
    const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kubeConfig, '/api/v1/namespaces/team-a/pods', () => core.listNamespacedPod({ namespace: 'team-a' }));
    const seen: string[] = [];
    for (const verb of ['add', 'update', 'delete'] as const) informer.on(verb, (pod: k8s.V1Pod) => seen.push(`${verb} ${pod.metadata?.name}`));
    informer.on('error', () => undefined);
    await informer.start();
    try {
      expect(informer.list().map((pod) => pod.metadata?.name)).toEqual(['nginx-public']);
      await core.createNamespacedPod({ namespace: 'team-a', body: watchedPod('informed', 'informed') });
      await core.patchNamespacedPod(
        { name: 'informed', namespace: 'team-a', body: { metadata: { labels: { stage: 'two' } } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
      );
      await core.deleteNamespacedPod({ name: 'informed', namespace: 'team-a' });
      await waitUntil(() => seen.length >= 4, { what: 'four informer events' });
      expect(seen).toEqual(['add nginx-public', 'add informed', 'update informed', 'delete informed']);
    } finally {
      await informer.stop();
    }
  });
});

const openWatches: AbortController[] = [];
afterAll(() => openWatches.forEach((controller) => controller.abort()));

/** Starts a client-node watch and collects `TYPE name` lines (`ERROR reason` for errors). */
async function startWatch(path: string, query: Record<string, string | undefined>) {
  const seen: string[] = [];
  const objects: Record<string, unknown>[] = [];
  const controller = await new k8s.Watch(config()).watch(
    path,
    query,
    (type, object: { metadata?: { name?: string }; reason?: string }) => {
      seen.push(type === 'ERROR' ? `ERROR ${object.reason}` : `${type} ${object.metadata?.name}`);
      objects.push(object);
    },
    () => undefined,
  );
  openWatches.push(controller);
  return {
    objects,
    async take(count: number): Promise<string[]> {
      await waitUntil(() => seen.length >= count, { what: `${count} watch events` }).finally(() => controller.abort());
      return seen;
    },
  };
}

function watchedPod(name: string, app: string): k8s.V1Pod {
  return { metadata: { name, labels: { app } }, spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] } };
}
