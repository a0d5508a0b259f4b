import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterForFile } from '../support/app-cluster';
import { dockerConfigJson } from '../../lib/pull-secrets';
import { generateServingCertificate, type KubeObject, ObjectStore, type RunningApiServer, type SimUser, startApiServer, writeKubeconfig } from '../../sim/testing';

/**
 * The simulated API server with a store seeded for the lib/kube tests: every kind of owner, every place a pull
 * can fail, pull secrets that match, do not match, are missing or malformed. Objects are shaped as the real API
 * server returns them; the kubelet's messages are containerd's (test/fixtures/pull-errors.json).
 */

export const ADMIN: SimUser = { name: 'sim-admin', username: 'admin', token: 'admin-token-7f3a', rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] };

/** May read everything a diagnosis needs except secrets. */
export const VIEWER: SimUser = {
  name: 'sim-viewer',
  username: 'system:serviceaccount:default:viewer',
  token: 'viewer-token-2c9e',
  rules: [
    { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'events', 'serviceaccounts', 'namespaces'] },
    { verbs: ['get', 'list', 'watch'], apiGroups: ['apps', 'batch'], resources: ['*'] },
  ],
};

/** May list everything the viewer may, but watch nothing: the cache falls back to reading per request. */
export const LISTER: SimUser = {
  name: 'sim-lister',
  username: 'system:serviceaccount:default:lister',
  token: 'lister-token-5b1d',
  rules: [
    { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'events', 'serviceaccounts', 'namespaces'] },
    { verbs: ['get', 'list'], apiGroups: ['apps', 'batch'], resources: ['*'] },
  ],
};

/** May read and watch only in "shop", and list the namespaces: the cache watches that namespace alone. */
export const SHOP_TEAM: SimUser = {
  name: 'sim-shop-team',
  username: 'system:serviceaccount:shop:team',
  token: 'shop-team-token-9a4c',
  rules: [
    { verbs: ['list'], apiGroups: [''], resources: ['namespaces'] },
    { verbs: ['get', 'list', 'watch'], apiGroups: ['', 'apps', 'batch'], resources: ['*'], namespaces: ['shop'] },
  ],
};

/** In the kubeconfig, unknown to the API server: every request answers 401. */
export const STRANGER: SimUser = { name: 'sim-stranger', username: 'nobody', token: 'revoked-token-0000', rules: [] };

export const REGISTRY_PASSWORD = 'hunter2-registry-password';

export interface SimCluster {
  store: ObjectStore;
  server: RunningApiServer;
  kubeconfig: string;
  /** Stops the API server and starts it again on the same port and certificate, with the same store. */
  restart(whileDown?: (store: ObjectStore) => void | Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** `moreUsers` join the admin, the viewer and the stranger in the kubeconfig and on the server. */
export async function startSimCluster(seed: (store: ObjectStore) => void = seedPullFailures, moreUsers: SimUser[] = []): Promise<SimCluster> {
  const store = new ObjectStore();
  seed(store);
  const tls = generateServingCertificate();
  const start = (port: number) => startApiServer({ store, users: [ADMIN, VIEWER, ...moreUsers], port, admit: (_resource, object) => object, tls });
  const directory = mkdtempSync(join(tmpdir(), 'pullfix-kube-'));
  const kubeconfig = join(directory, 'kubeconfig');
  const cluster: SimCluster = {
    store,
    server: await start(0),
    kubeconfig,
    restart: async (whileDown) => {
      await cluster.server.close();
      await whileDown?.(store);
      cluster.server = await start(Number(new URL(cluster.server.url).port));
    },
    close: async () => {
      await cluster.server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
  writeKubeconfig(kubeconfig, cluster.server.url, tls.caPem, [ADMIN, VIEWER, ...moreUsers, STRANGER], 'default');
  return cluster;
}

/** startSimCluster for one test file, pullfix's server code pointed at it while the file's tests run. */
export function simClusterForFile(seed?: (store: ObjectStore) => void, moreUsers?: SimUser[]): () => SimCluster {
  return clusterForFile(() => startSimCluster(seed, moreUsers), {
    stop: (cluster) => cluster.close(),
    environment: (cluster) => ({ PULLFIX_KUBECONFIG: cluster.kubeconfig }),
  });
}

export const MESSAGES = {
  denied:
    'failed to pull and unpack image "docker.io/davidpuziol/nginx:1.0": failed to resolve reference "docker.io/davidpuziol/nginx:1.0": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
  backOff: 'Back-off pulling image "davidpuziol/nginx:1.0"',
  notFound:
    'failed to pull and unpack image "docker.io/library/busybox:1.99-nope": failed to resolve reference "docker.io/library/busybox:1.99-nope": docker.io/library/busybox:1.99-nope: not found',
  ghcrDenied:
    'failed to pull and unpack image "ghcr.io/acme/tool:2": failed to resolve reference "ghcr.io/acme/tool:2": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Aacme%2Ftool%3Apull&service=ghcr.io: 401 Unauthorized',
  dbDenied:
    'failed to pull and unpack image "registry.example.com:5000/data/postgres:16": failed to resolve reference "registry.example.com:5000/data/postgres:16": pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials',
  invalid: 'Failed to apply default image tag "Nginx": couldn\'t parse image name "Nginx": invalid reference format: repository name (library/Nginx) must be lowercase',
};

/** The seeded namespaces and what fails in each. */
export function seedPullFailures(store: ObjectStore): void {
  for (const name of ['default', 'shop', 'jobs', 'tools', 'data', 'quiet']) {
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } });
  }
  for (const namespace of ['default', 'shop', 'jobs', 'tools', 'data', 'quiet']) serviceAccount(store, namespace, 'default', []);

  // shop: the seed tutorial's private image, with a matching secret in the namespace that nobody attached.
  pullSecret(store, 'shop', 'regcred', 'https://index.docker.io/v1/', 'davidpuziol');
  pullSecret(store, 'shop', 'quay-cred', 'quay.io', 'robot');
  const web = owner(store, 'deployments', 'apps/v1', 'Deployment', 'shop', 'web');
  const webRs = owner(store, 'replicasets', 'apps/v1', 'ReplicaSet', 'shop', 'web-7d4b9c8f6d', web);
  for (const suffix of ['x2x9k', 'q8m4z']) {
    pod(store, 'shop', `web-7d4b9c8f6d-${suffix}`, {
      owner: webRs,
      containers: [{ name: 'app', image: 'davidpuziol/nginx:1.0', waiting: ['ImagePullBackOff', MESSAGES.backOff] }],
    });
    event(store, 'shop', `web-7d4b9c8f6d-${suffix}`, 'app', 'Failed', `Failed to pull image "davidpuziol/nginx:1.0": ${MESSAGES.denied}`, 'Warning', 4);
    event(store, 'shop', `web-7d4b9c8f6d-${suffix}`, 'app', 'BackOff', MESSAGES.backOff, 'Normal', 9);
  }
  const oldRs = owner(store, 'replicasets', 'apps/v1', 'ReplicaSet', 'shop', 'web-5c6f7d8e9a', web);
  pod(store, 'shop', 'web-5c6f7d8e9a-h7j2k', { owner: oldRs, containers: [{ name: 'app', image: 'nginx:1.25', running: true }] });

  // jobs: a CronJob's Job whose init container asks for a tag that does not exist.
  const cron = owner(store, 'cronjobs', 'batch/v1', 'CronJob', 'jobs', 'report');
  const job = owner(store, 'jobs', 'batch/v1', 'Job', 'jobs', 'report-28912345', cron);
  pod(store, 'jobs', 'report-28912345-5vq2c', {
    owner: job,
    init: [{ name: 'fetch', image: 'busybox:1.99-nope', waiting: ['ErrImagePull', MESSAGES.notFound] }],
    containers: [{ name: 'report', image: 'python:3.12', waiting: ['PodInitializing', ''] }],
  });

  // tools: a bare pod naming a secret that does not exist; a running pod the kubelet warned about.
  pod(store, 'tools', 'debug', {
    pullSecrets: ['ghcr-cred'],
    containers: [{ name: 'tool', image: 'ghcr.io/acme/tool:2', waiting: ['ErrImagePull', MESSAGES.ghcrDenied] }],
  });
  pod(store, 'tools', 'anon', { pullSecrets: ['gone'], containers: [{ name: 'web', image: 'nginx:1.25', running: true }] });
  podEvent(store, 'tools', 'anon', 'FailedToRetrieveImagePullSecret', 'Unable to retrieve some image pull secrets (gone); attempting to pull the image may not succeed.', 'Warning');

  // data: a StatefulSet whose attached secret is malformed, and a DaemonSet with an image that does not parse.
  const db = owner(store, 'statefulsets', 'apps/v1', 'StatefulSet', 'data', 'db');
  store.create('secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db-registry', namespace: 'data' },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from('{"auths": {"registry.example.com:5000": ').toString('base64') },
  });
  pod(store, 'data', 'db-0', {
    owner: db,
    pullSecrets: ['db-registry'],
    containers: [{ name: 'postgres', image: 'registry.example.com:5000/data/postgres:16', waiting: ['ErrImagePull', MESSAGES.dbDenied] }],
  });
  const agent = owner(store, 'daemonsets', 'apps/v1', 'DaemonSet', 'data', 'agent');
  pod(store, 'data', 'agent-7xk2p', { owner: agent, containers: [{ name: 'agent', image: 'Nginx', waiting: ['InvalidImageName', MESSAGES.invalid] }] });

  // quiet: everything runs.
  for (let index = 0; index < 3; index += 1) {
    pod(store, 'quiet', `idle-${index}`, { containers: [{ name: 'idle', image: 'registry.k8s.io/pause:3.9', running: true }] });
  }
}

export function pullSecret(store: ObjectStore, namespace: string, name: string, server: string, username: string): void {
  const config = dockerConfigJson({ server, username, password: REGISTRY_PASSWORD });
  store.create('secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(config).toString('base64') },
  });
}

export function serviceAccount(store: ObjectStore, namespace: string, name: string, pullSecrets: string[]): void {
  store.create('serviceaccounts', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace },
    ...(pullSecrets.length > 0 ? { imagePullSecrets: pullSecrets.map((secret) => ({ name: secret })) } : {}),
  });
}

export type OwnerReference = { apiVersion: string; kind: string; name: string; uid: string; controller: true; blockOwnerDeletion: true };

export function owner(
  store: ObjectStore,
  resource: string,
  apiVersion: string,
  kind: string,
  namespace: string,
  name: string,
  parent?: OwnerReference,
): OwnerReference {
  const created = store.create(resource, {
    apiVersion,
    kind,
    metadata: { name, namespace, ...(parent ? { ownerReferences: [parent] } : {}) },
    spec: {},
  });
  return { apiVersion, kind, name, uid: created.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

interface ContainerSeed {
  name: string;
  image: string;
  waiting?: [reason: string, message: string];
  running?: true;
}

export function pod(
  store: ObjectStore,
  namespace: string,
  name: string,
  options: { owner?: OwnerReference; containers: ContainerSeed[]; init?: ContainerSeed[]; pullSecrets?: string[]; serviceAccount?: string },
): KubeObject {
  const status = (container: ContainerSeed) => ({
    name: container.name,
    image: container.image,
    imageID: '',
    ready: container.running === true,
    restartCount: 0,
    started: container.running === true,
    state: container.running
      ? { running: { startedAt: '2026-11-26T10:00:00Z' } }
      : { waiting: container.waiting?.[1] ? { reason: container.waiting[0], message: container.waiting[1] } : { reason: container.waiting?.[0] } },
  });
  const failing = [...(options.init ?? []), ...options.containers].some((container) => !container.running);
  return store.create('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, ...(options.owner ? { ownerReferences: [options.owner] } : {}) },
    spec: {
      ...(options.init ? { initContainers: options.init.map(({ name: n, image }) => ({ name: n, image, imagePullPolicy: 'IfNotPresent' })) } : {}),
      containers: options.containers.map(({ name: n, image }) => ({ name: n, image, imagePullPolicy: 'IfNotPresent' })),
      serviceAccountName: options.serviceAccount ?? 'default',
      nodeName: 'node-1',
      ...(options.pullSecrets ? { imagePullSecrets: options.pullSecrets.map((secret) => ({ name: secret })) } : {}),
    },
    status: {
      phase: failing ? 'Pending' : 'Running',
      ...(options.init ? { initContainerStatuses: options.init.map(status) } : {}),
      containerStatuses: options.containers.map(status),
    },
  });
}

export function event(
  store: ObjectStore,
  namespace: string,
  podName: string,
  container: string | null,
  reason: string,
  message: string,
  type: 'Normal' | 'Warning' = 'Warning',
  count = 1,
): void {
  const uid = store.get('pods', namespace, podName)?.metadata.uid;
  store.create('events', {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${podName}.${reason.toLowerCase()}${container ?? ''}`, namespace },
    involvedObject: {
      apiVersion: 'v1',
      kind: 'Pod',
      namespace,
      name: podName,
      uid,
      ...(container ? { fieldPath: `spec.containers{${container}}` } : {}),
    },
    reason,
    message,
    type,
    count,
    firstTimestamp: '2026-11-26T09:00:00Z',
    lastTimestamp: reason === 'BackOff' ? '2026-11-26T09:30:00Z' : '2026-11-26T09:20:00Z',
    source: { component: 'kubelet', host: 'node-1' },
    reportingComponent: 'kubelet',
    reportingInstance: 'node-1',
  });
}

function podEvent(store: ObjectStore, namespace: string, podName: string, reason: string, message: string, type: 'Normal' | 'Warning'): void {
  event(store, namespace, podName, null, reason, message, type, 3);
}

