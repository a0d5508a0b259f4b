import { randomBytes, randomUUID } from 'node:crypto';
import { admit } from '../cluster/admission';
import { podTemplateHash } from '../cluster/controllers/deployment';
import { ownerReference, randomSuffix, timestamp, type Pod, type Workload } from '../cluster/objects';
import type { ScenarioRegistry } from '../contracts';
import { loadScenario, type ScaleOptions, type Scenario } from '../scenario';
import { ObjectStore, type KubeObject } from '../store';

const REPLICAS_PER_DEPLOYMENT = 10;
const HEALTHY_IMAGE = 'nginx:1.27';
const FAILING_IMAGE = 'docker.io/acme/private:1.0';
const NODES = ['sim-node-1', 'sim-node-2', 'sim-node-3'];

/**
 * The benchmark cluster: `namespaces` namespaces sharing `pods` pods, in Deployments of up to ten replicas,
 * `failingRatio` of them on a private image with no secret (missing-secret). Deployments, ReplicaSets and
 * pods are written out already settled — pods bound, running or in ImagePullBackOff — so ten thousand pods
 * are served within seconds; the controllers and the kubelet take them over from there.
 */
export function generateScaleScenario(options: ScaleOptions): Scenario {
  const namespaces = Math.max(1, Math.floor(options.namespaces));
  const totalPods = Math.max(0, Math.floor(options.pods));
  const ratio = Math.min(1, Math.max(0, options.failingRatio));
  const objects: KubeObject[] = [];
  const namespaceNames = Array.from({ length: namespaces }, (_, i) => `scale-${String(i).padStart(4, '0')}`);
  const deployments: { namespace: string; name: string; replicas: number }[] = [];
  namespaceNames.forEach((namespace, index) => {
    let remaining = Math.floor(totalPods / namespaces) + (index < totalPods % namespaces ? 1 : 0);
    for (let d = 0; remaining > 0; d++) {
      const replicas = Math.min(REPLICAS_PER_DEPLOYMENT, remaining);
      deployments.push({ namespace, name: `app-${String(d).padStart(3, '0')}`, replicas });
      remaining -= replicas;
    }
  });
  const failing = Math.round(deployments.length * ratio);
  const defaulting = new ObjectStore();
  let podCounter = 0;
  deployments.forEach((entry, index) => {
    // Spread the failing ones evenly so every part of the cluster has some.
    const fails = failing > 0 && Math.floor((index * failing) / deployments.length) !== Math.floor(((index + 1) * failing) / deployments.length);
    const deployment = admit('deployments', deploymentObject(entry.namespace, entry.name, entry.replicas, fails ? FAILING_IMAGE : HEALTHY_IMAGE), defaulting) as Workload;
    deployment.metadata.uid = randomUUID();
    const hash = podTemplateHash(deployment.spec.template);
    const replicaSet = replicaSetObject(deployment, hash);
    objects.push(deployment, replicaSet);
    for (let i = 0; i < entry.replicas; i++) {
      objects.push(settledPod(replicaSet, fails, NODES[podCounter % NODES.length] ?? 'sim-node-1', podCounter));
      podCounter += 1;
    }
  });
  const { users } = loadScenario('demo');
  return {
    name: 'scale',
    nodes: NODES.map((name) => ({ name, images: ['registry.k8s.io/pause:3.10', 'docker.io/library/nginx:1.27'] })),
    namespaces: namespaceNames,
    users: users.map((user) => ({ ...user, token: randomBytes(24).toString('base64url') })),
    registries: SCALE_REGISTRIES,
    objects,
  };
}

const SCALE_REGISTRIES: ScenarioRegistry[] = [
  {
    host: 'docker.io',
    auth: 'token',
    // The credentials that fix the failing deployments.
    users: [{ username: 'acme-ci', password: 'acme-ci-pass' }],
    repositories: [
      { name: 'library/nginx', public: true, tags: { '1.27': { platforms: ['linux/amd64', 'linux/arm64'] } } },
      { name: 'acme/private', public: false, pullers: ['acme-ci'], tags: { '1.0': { platforms: ['linux/amd64'] } } },
    ],
  },
];

function deploymentObject(namespace: string, name: string, replicas: number, image: string): Workload {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
    },
  };
}

function replicaSetObject(deployment: Workload, hash: string): Workload {
  const template = structuredClone(deployment.spec.template);
  const labels = { ...template.metadata?.labels, 'pod-template-hash': hash };
  template.metadata = { ...template.metadata, labels };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${deployment.metadata.name}-${hash}`,
      namespace: deployment.metadata.namespace,
      uid: randomUUID(),
      labels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(deployment.spec.replicas ?? 1),
        'deployment.kubernetes.io/max-replicas': String((deployment.spec.replicas ?? 1) + 1),
        'deployment.kubernetes.io/revision': '1',
      },
      ownerReferences: [ownerReference(deployment)],
    },
    spec: {
      replicas: deployment.spec.replicas,
      selector: { matchLabels: { ...deployment.spec.selector?.matchLabels, 'pod-template-hash': hash } },
      template,
    },
  };
}

/** A pod as the kubelet leaves it once things have settled: running, or backing off a denied pull. */
function settledPod(replicaSet: Workload, fails: boolean, nodeName: string, serial: number): Pod {
  const template = replicaSet.spec.template;
  const image = template.spec.containers[0]?.image ?? HEALTHY_IMAGE;
  const now = timestamp();
  const node = NODES.indexOf(nodeName);
  const podIP = `10.244.${node}.${(serial % 250) + 2}`;
  const hostIP = `10.0.0.${node + 10}`;
  const ready = fails ? 'False' : 'True';
  const unready = fails ? { reason: 'ContainersNotReady', message: 'containers with unready status: [app]' } : {};
  const quoted = JSON.stringify(image);
  const normalized = fails ? FAILING_IMAGE : 'docker.io/library/nginx:1.27';
  const pullError = `failed to pull and unpack image "${normalized}": failed to resolve reference "${normalized}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${replicaSet.metadata.name}-${randomSuffix()}`,
      generateName: `${replicaSet.metadata.name}-`,
      namespace: replicaSet.metadata.namespace,
      labels: { ...template.metadata?.labels },
      ownerReferences: [ownerReference(replicaSet)],
    },
    spec: { ...structuredClone(template.spec), nodeName },
    status: {
      phase: fails ? 'Pending' : 'Running',
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        { type: 'Ready', status: ready, lastProbeTime: null, lastTransitionTime: now, ...unready },
        { type: 'ContainersReady', status: ready, lastProbeTime: null, lastTransitionTime: now, ...unready },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now },
      ],
      hostIP,
      hostIPs: [{ ip: hostIP }],
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: now,
      containerStatuses: [
        fails
          ? {
              name: 'app',
              image,
              imageID: '',
              ready: false,
              started: false,
              restartCount: 0,
              state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image ${quoted}: ErrImagePull: ${pullError}` } },
              lastState: {},
            }
          : {
              name: 'app',
              image: normalized,
              imageID: `docker.io/library/nginx@sha256:${'0'.repeat(64)}`,
              containerID: `containerd://${randomBytes(32).toString('hex')}`,
              ready: true,
              started: true,
              restartCount: 0,
              state: { running: { startedAt: now } },
              lastState: {},
            },
      ],
      qosClass: 'BestEffort',
    },
  };
}
