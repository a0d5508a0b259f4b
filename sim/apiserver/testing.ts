import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../clock';
import type { AdmissionHook, SimUser } from '../contracts';
import { ObjectStore, type KubeObject } from '../store';
import { generateServingCertificate } from '../tls';
import { writeKubeconfig } from '../kubeconfig';
import { startApiServer } from './index';

/**
 * A seeded cluster for the API server's tests: a deployment whose pod cannot pull its image, the events the
 * kubelet would have written for it, an admin and a viewer. Tests drive it with the real kubectl and client-node.
 */

export const ADMIN: SimUser = {
  name: 'sim-admin',
  username: 'admin',
  token: 'admin-token',
  rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
};

export const VIEWER: SimUser = {
  name: 'sim-viewer',
  username: 'system:serviceaccount:default:viewer',
  token: 'viewer-token',
  rules: [
    { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'events', 'serviceaccounts', 'namespaces', 'nodes'] },
    { verbs: ['get', 'list', 'watch'], apiGroups: ['apps', 'batch'], resources: ['*'] },
  ],
};

export interface TestCluster {
  store: ObjectStore;
  url: string;
  caPem: string;
  kubeconfig: string;
  directory: string;
  requestLog: { method: string; path: string; user: string | null; status: number }[];
  close(): Promise<void>;
}

const passThrough: AdmissionHook = (_resource, object) => object;

export async function startTestCluster(admit: AdmissionHook = passThrough, clock?: Clock): Promise<TestCluster> {
  const store = new ObjectStore();
  seed(store);
  const tls = generateServingCertificate();
  const server = await startApiServer({ store, users: [ADMIN, VIEWER], port: 0, admit, tls, clock });
  const directory = mkdtempSync(join(tmpdir(), 'sim-apiserver-'));
  const kubeconfig = join(directory, 'kubeconfig');
  writeKubeconfig(kubeconfig, server.url, tls.caPem, [ADMIN, VIEWER], 'default');
  return {
    store,
    url: server.url,
    caPem: tls.caPem,
    kubeconfig,
    directory,
    requestLog: server.requestLog,
    close: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

const MINUTES_AGO = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

function seed(store: ObjectStore): void {
  for (const name of ['default', 'kube-system', 'team-a']) {
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  }
  store.create('serviceaccounts', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'default', namespace: 'default' },
    imagePullSecrets: [{ name: 'old-one' }, { name: 'old-two' }],
  });
  store.create('deployments', deployment('web', 'docker.io/davidpuziol/nginx:1.0', [{ name: 'existing' }]));
  const pod = store.create('pods', failingPod('web-7d4b9c-x2x9k', 'docker.io/davidpuziol/nginx:1.0', 'ImagePullBackOff'));
  store.create('pods', failingPod('init-fails', 'nginx', 'ErrImagePull', true));
  store.create('pods', runningPod('nginx-public', 'team-a'));
  store.create('events', {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web-7d4b9c-x2x9k.pull', namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: pod.metadata.name, uid: pod.metadata.uid, apiVersion: 'v1', fieldPath: 'spec.containers{web}' },
    reason: 'Failed',
    message: 'Failed to pull image "docker.io/davidpuziol/nginx:1.0": pull access denied, repository does not exist or may require authorization',
    type: 'Warning',
    source: { component: 'kubelet', host: 'node-1' },
    count: 4,
    firstTimestamp: MINUTES_AGO(10),
    lastTimestamp: MINUTES_AGO(1),
  });
  store.create('events', {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'other.event', namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'init-fails', apiVersion: 'v1' },
    reason: 'BackOff',
    message: 'Back-off pulling image "nginx"',
    type: 'Normal',
    source: { component: 'kubelet' },
    count: 1,
    firstTimestamp: MINUTES_AGO(2),
    lastTimestamp: MINUTES_AGO(2),
  });
}

function podSpec(image: string, imagePullSecrets: { name: string }[] = []): Record<string, unknown> {
  return {
    containers: [{ name: 'web', image, imagePullPolicy: 'IfNotPresent' }],
    imagePullSecrets,
    restartPolicy: 'Always',
    serviceAccountName: 'default',
    nodeName: 'node-1',
  };
}

function deployment(name: string, image: string, imagePullSecrets: { name: string }[]): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: podSpec(image, imagePullSecrets) },
    },
    status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 0, availableReplicas: 0 },
  };
}

function failingPod(name: string, image: string, reason: string, inInit = false): KubeObject {
  const waiting = { state: { waiting: { reason, message: `Back-off pulling image "${image}"` } }, ready: false, restartCount: 0, image, name: 'web' };
  const spec = podSpec(image);
  if (inInit) spec.initContainers = [{ name: 'web', image }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'web', tier: 'front' } },
    spec: { ...spec, ...(inInit ? { containers: [{ name: 'main', image: 'busybox' }] } : {}) },
    status: {
      phase: 'Pending',
      podIP: '10.1.0.5',
      ...(inInit
        ? { initContainerStatuses: [waiting], containerStatuses: [{ name: 'main', state: { waiting: { reason: 'PodInitializing' } }, ready: false, restartCount: 0 }] }
        : { containerStatuses: [waiting] }),
    },
  };
}

function runningPod(name: string, namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'nginx' } },
    spec: podSpec('nginx:1.27'),
    status: {
      phase: 'Running',
      podIP: '10.1.0.9',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'web', state: { running: { startedAt: MINUTES_AGO(30) } }, ready: true, restartCount: 2, image: 'nginx:1.27' }],
    },
  };
}
