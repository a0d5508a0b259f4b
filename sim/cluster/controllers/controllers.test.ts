import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../../../test/support/wait';
import { ManualClock, type Clock } from '../../clock';
import type { PullOutcome } from '../../contracts';
import { ObjectStore, type KubeObject } from '../../store';
import { admit } from '../admission';
import { startKubelet, type Kubelet } from '../kubelet';
import { controllerOf, isPodReady, ownerReference, type Condition, type Pod, type Workload } from '../objects';
import { clusterStore, denied, PULLED, type PullCall } from '../testing/fixtures';
import { podTemplateHash } from './deployment';
import { startControllers, type ControllerManager } from './index';

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** Controllers and a kubelet over one store; images containing "private" are denied, everything else pulls. */
function cluster(options: { nodes?: number; timeScale?: number; decide?: (call: PullCall) => PullOutcome; clock?: Clock } = {}) {
  const store = clusterStore(Array.from({ length: options.nodes ?? 1 }, (_, i) => ({ name: `node-${i + 1}` })));
  const { clock } = options;
  const controllers: ControllerManager = startControllers({ store, admit, timeScale: options.timeScale ?? 0.001, clock });
  const decide = options.decide ?? ((call: PullCall) => (call.image.includes('private') ? denied(call.image) : PULLED));
  const kubelet: Kubelet = startKubelet({ store, pullImage: async (image, credentials, platform) => decide({ image, credentials, platform }), backoffMs: 30, containerRunMs: 20, clock });
  stops.push(() => kubelet.stop(), () => controllers.stop());
  const create = (resource: string, object: KubeObject) => store.create(resource, admit(resource, { ...object, metadata: { namespace: 'default', ...object.metadata } }, store));
  return { store, controllers, create };
}

function deployment(name: string, image: string, replicas = 1, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } }, ...extra },
  };
}

function get<T extends KubeObject = Workload>(store: ObjectStore, resource: string, name: string): T {
  const object = store.get(resource, 'default', name);
  if (!object) throw new Error(`${resource} ${name} not found`);
  return object as T;
}

function owned(store: ObjectStore, resource: string, owner: KubeObject): Workload[] {
  return (store.list(resource, 'default') as Workload[]).filter((object) => controllerOf(object)?.uid === owner.metadata.uid);
}

function progressing(object: Workload): Condition | undefined {
  return (object.status?.conditions as Condition[] | undefined)?.find((condition) => condition.type === 'Progressing');
}

/** kubectl's `rollout status` verdict for a Deployment (polymorphichelpers/rollout_status.go). */
function rolledOut(object: Workload): boolean {
  const status = (object.status ?? {}) as Record<string, number>;
  const replicas = object.spec.replicas ?? 1;
  return (
    (object.metadata.generation ?? 0) <= (status.observedGeneration ?? 0) &&
    (status.updatedReplicas ?? 0) >= replicas &&
    (status.replicas ?? 0) <= (status.updatedReplicas ?? 0) &&
    (status.availableReplicas ?? 0) >= (status.updatedReplicas ?? 0)
  );
}

describe('Deployment → ReplicaSet → Pod', () => {
  it('creates a ReplicaSet named after the template hash and owned pods, and reports the rollout done', async () => {
    const { store, create } = cluster();
    const created = create('deployments', deployment('web', 'nginx:1.27', 2));
    await waitUntil(() => rolledOut(get(store, 'deployments', 'web')), { what: 'rollout' });
    const deploymentNow = get(store, 'deployments', 'web');
    const [replicaSet, ...others] = owned(store, 'replicasets', created);
    expect(others).toEqual([]);
    const hash = podTemplateHash(deploymentNow.spec.template);
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{8,10}$/);
    expect(replicaSet?.metadata.name).toBe(`web-${hash}`);
    expect(replicaSet?.metadata.labels).toMatchObject({ app: 'web', 'pod-template-hash': hash });
    expect(controllerOf(replicaSet as Workload)).toMatchObject({ kind: 'Deployment', name: 'web', controller: true });
    const pods = owned(store, 'pods', replicaSet as Workload) as unknown as Pod[];
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(pod.metadata.labels).toMatchObject({ 'pod-template-hash': hash });
    }
    expect(deploymentNow.status).toMatchObject({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(progressing(deploymentNow)).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.` });
  });

  it('rolls a template change out to a new ReplicaSet and scales the old one down once the new pods are ready', async () => {
    const { store, create } = cluster();
    const created = create('deployments', deployment('web', 'nginx:1.27', 2));
    await waitUntil(() => rolledOut(get(store, 'deployments', 'web')), { what: 'first rollout' });
    const [oldReplicaSet] = owned(store, 'replicasets', created);

    const current = get(store, 'deployments', 'web');
    const template = structuredClone(current.spec.template);
    template.metadata = { ...template.metadata, annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' } };
    store.update('deployments', { ...current, spec: { ...current.spec, template } }, { bumpGeneration: true });

    await waitUntil(() => rolledOut(get(store, 'deployments', 'web')) && get(store, 'deployments', 'web').status?.observedGeneration === 2, { what: 'second rollout' });
    const replicaSets = owned(store, 'replicasets', created);
    expect(replicaSets).toHaveLength(2);
    const newReplicaSet = replicaSets.find((rs) => rs.metadata.uid !== oldReplicaSet?.metadata.uid);
    expect(newReplicaSet?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    await waitUntil(() => owned(store, 'pods', oldReplicaSet as Workload).length === 0, { what: 'old pods gone' });
    expect(get(store, 'replicasets', oldReplicaSet?.metadata.name ?? '').spec.replicas).toBe(0);
    const scaling = store.list('events', 'default').filter((event) => event.reason === 'ScalingReplicaSet').map((event) => event.message);
    // Two replicas: maxSurge 1, maxUnavailable 0, so one pod is replaced at a time.
    expect(scaling.slice(1)).toEqual([
      `Scaled up replica set ${newReplicaSet?.metadata.name} from 0 to 1`,
      `Scaled down replica set ${oldReplicaSet?.metadata.name} from 2 to 1`,
      `Scaled up replica set ${newReplicaSet?.metadata.name} from 1 to 2`,
      `Scaled down replica set ${oldReplicaSet?.metadata.name} from 1 to 0`,
    ]);
  });

  it('keeps the old pods while the new ones cannot pull, then reports ProgressDeadlineExceeded', async () => {
    const { store, create } = cluster({ timeScale: 0.0005 });
    const created = create('deployments', deployment('web', 'nginx:1.27', 1, { progressDeadlineSeconds: 600 }));
    await waitUntil(() => rolledOut(get(store, 'deployments', 'web')), { what: 'first rollout' });
    const current = get(store, 'deployments', 'web');
    const template = structuredClone(current.spec.template);
    template.spec.containers[0] = { name: 'c', image: 'private/app:1.0' };
    store.update('deployments', { ...current, spec: { ...current.spec, template } }, { bumpGeneration: true });

    await waitUntil(() => progressing(get(store, 'deployments', 'web'))?.reason === 'ProgressDeadlineExceeded', { what: 'deadline' });
    const now = get(store, 'deployments', 'web');
    expect(progressing(now)).toMatchObject({ status: 'False', message: expect.stringMatching(/^ReplicaSet "web-\w+" has timed out progressing\.$/) });
    expect(rolledOut(now)).toBe(false);
    expect(now.status).toMatchObject({ replicas: 2, updatedReplicas: 1, availableReplicas: 1, unavailableReplicas: 1 });
    const pods = owned(store, 'replicasets', created).flatMap((rs) => owned(store, 'pods', rs)) as unknown as Pod[];
    expect(pods.filter(isPodReady)).toHaveLength(1);
  });

  it('reports pods refused by admission as FailedCreate on the ReplicaSet, and retries until the account exists', async () => {
    const { store, create } = cluster();
    const withAccount = deployment('robot-web', 'nginx:1.27');
    (withAccount.spec as Workload['spec']).template.spec.serviceAccountName = 'robot';
    create('deployments', withAccount);
    const failed = await waitUntil(() => store.list('events', 'default').find((event) => event.reason === 'FailedCreate'), { what: 'FailedCreate' });
    expect(failed.message).toMatch(/^Error creating: pods "robot-web-\w+-" is forbidden: error looking up service account default\/robot: serviceaccount "robot" not found$/);
    expect(failed.source).toEqual({ component: 'replicaset-controller' });
    store.create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'default' } });
    await waitUntil(() => rolledOut(get(store, 'deployments', 'robot-web')), { what: 'rollout once the account exists' });
  });

  it('leaves a ReplicaSet without a Deployment to run its own pods', async () => {
    const { store, create } = cluster();
    const replicaSet = create('replicasets', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'frontend' }, spec: { replicas: 2, selector: { matchLabels: { app: 'frontend' } }, template: { metadata: { labels: { app: 'frontend' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } } });
    await waitUntil(() => get(store, 'replicasets', 'frontend').status?.readyReplicas === 2, { what: 'two ready' });
    expect(owned(store, 'pods', replicaSet).map((pod) => pod.metadata.name)).toEqual([expect.stringMatching(/^frontend-\w{5}$/), expect.stringMatching(/^frontend-\w{5}$/)]);
  });

  it('deletes dependents down the chain when the owner goes', async () => {
    const { store, create, controllers } = cluster();
    create('deployments', deployment('web', 'nginx:1.27', 2));
    await waitUntil(() => rolledOut(get(store, 'deployments', 'web')), { what: 'rollout' });
    store.delete('deployments', 'default', 'web');
    await waitUntil(() => store.list('pods', 'default').length === 0 && store.list('replicasets', 'default').length === 0, { what: 'cascade' });
    await controllers.settle();
  });
});

describe('StatefulSet, DaemonSet, Job, CronJob', () => {
  it('StatefulSet: ordinal pods, each after its predecessor is ready', async () => {
    const { store, create } = cluster();
    create('statefulsets', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'redis:7.4' }] } } } });
    await waitUntil(() => get(store, 'statefulsets', 'db').status?.readyReplicas === 3, { what: 'three ready' });
    const pods = store.list('pods', 'default') as Pod[];
    expect(pods.map((pod) => pod.metadata.name)).toEqual(['db-0', 'db-1', 'db-2']);
    const created = pods.map((pod) => Date.parse(pod.metadata.creationTimestamp ?? ''));
    expect([...created].sort()).toEqual(created);
    expect(pods[1]?.metadata.labels).toMatchObject({ 'statefulset.kubernetes.io/pod-name': 'db-1', 'apps.kubernetes.io/pod-index': '1' });
  });

  it('StatefulSet: stops at the first pod that cannot become ready', async () => {
    const { store, create, controllers } = cluster();
    create('statefulsets', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'private/db:1' }] } } } });
    await waitUntil(() => (store.get('pods', 'default', 'db-0') as Pod | undefined)?.status?.containerStatuses?.[0]?.state.waiting?.reason === 'ImagePullBackOff', { what: 'db-0 backing off' });
    await controllers.settle();
    expect(store.list('pods', 'default').map((pod) => pod.metadata.name)).toEqual(['db-0']);
  });

  it('DaemonSet: one pod bound to each node', async () => {
    const { store, create } = cluster({ nodes: 3 });
    create('daemonsets', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } } });
    await waitUntil(() => get(store, 'daemonsets', 'agent').status?.numberReady === 3, { what: 'three ready' });
    const nodes = (store.list('pods', 'default') as Pod[]).map((pod) => pod.spec.nodeName).sort();
    expect(nodes).toEqual(['node-1', 'node-2', 'node-3']);
    expect(get(store, 'daemonsets', 'agent').status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberAvailable: 3 });
  });

  it('Job: runs pods until the completions succeeded, then is Complete', async () => {
    const { store, create } = cluster();
    create('jobs', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' }, spec: { completions: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36' }] } } } });
    await waitUntil(() => ((get(store, 'jobs', 'migrate').status?.conditions as Condition[] | undefined) ?? []).some((c) => c.type === 'Complete'), { what: 'Complete' });
    const job = get(store, 'jobs', 'migrate');
    expect(job.status).toMatchObject({ succeeded: 2 });
    expect(job.status?.completionTime).toBeDefined();
    const pods = owned(store, 'pods', job) as unknown as Pod[];
    expect(pods.map((pod) => pod.status?.phase)).toEqual(['Succeeded', 'Succeeded']);
    expect(pods[0]?.metadata.labels).toMatchObject({ 'job-name': 'migrate', 'batch.kubernetes.io/controller-uid': job.metadata.uid });
  });

  it('CronJob: a job created from it by hand is tracked as active; the schedule is not due yet', async () => {
    const { store, create, controllers } = cluster();
    const cronJob = create('cronjobs', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report' }, spec: { schedule: '0 2 30 2 *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'private/report:1' }] } } } } } });
    await controllers.settle();
    expect(store.list('jobs', 'default')).toEqual([]);
    const jobTemplate = (cronJob.spec as { jobTemplate: { spec: Record<string, unknown> } }).jobTemplate;
    create('jobs', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'report-manual', annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' }, ownerReferences: [ownerReference(cronJob)] }, spec: structuredClone(jobTemplate.spec) });
    await waitUntil(() => ((get(store, 'cronjobs', 'report').status?.active as unknown[] | undefined) ?? []).length === 1, { what: 'active job' });
    await waitUntil(() => store.list('pods', 'default').length === 1, { what: 'job pod' });
  });

  it('CronJob: creates <name>-<minutes since epoch> when the schedule is due', async () => {
    const clock = new ManualClock(Date.parse('2026-03-10T10:07:30Z'));
    const { store, create } = cluster({ clock });
    const past = '2026-03-10T10:04:30Z';
    create('cronjobs', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'tick', creationTimestamp: past }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36' }] } } } } } });
    const job = await waitUntil(() => store.list('jobs', 'default')[0], { what: 'scheduled job' });
    expect(job.metadata.name).toMatch(/^tick-\d{8}$/);
    expect(job.metadata.name).toBe(`tick-${Date.parse('2026-03-10T10:05:00Z') / 60_000}`);
    expect(controllerOf(job)).toMatchObject({ kind: 'CronJob', name: 'tick' });
  });
});

describe('service accounts', () => {
  it('gives every namespace a default service account, and brings it back when deleted', async () => {
    const store = new ObjectStore();
    const controllers = startControllers({ store, admit, timeScale: 1 });
    stops.push(() => controllers.stop());
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await controllers.settle();
    expect(store.get('serviceaccounts', 'team', 'default')).toBeDefined();
    store.delete('serviceaccounts', 'team', 'default');
    await controllers.settle();
    expect(store.get('serviceaccounts', 'team', 'default')).toBeDefined();
  });
});
