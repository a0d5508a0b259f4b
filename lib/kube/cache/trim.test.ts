import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { podContainers, pullWaits } from '../pull-waits';
import { nodeImageFacts } from '../diagnose';
import { parseImageRef } from '../../image-ref';
import { trimEvent, trimNode, trimPod, trimSecret, trimServiceAccount } from './trim';

const managedFields = [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:spec': { 'f:containers': {} } } }];

/** The pod's identity, which trimming keeps as it is. */
const identity = { name: 'web-1', namespace: 'shop', uid: 'u1', resourceVersion: '42', creationTimestamp: '2026-11-26T10:00:00Z', labels: { app: 'web' } };

const pod = {
  metadata: {
    ...identity,
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(4000), 'kubectl.kubernetes.io/restartedAt': '2026-11-26T10:00:00Z' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9', uid: 'r1', controller: true }],
    managedFields,
  },
  spec: {
    containers: [{ name: 'app', image: 'davidpuziol/nginx:1.0', imagePullPolicy: 'IfNotPresent', env: [{ name: 'A', value: 'b' }], command: ['nginx'] }],
    initContainers: [{ name: 'init', image: 'busybox', imagePullPolicy: 'Always' }],
    imagePullSecrets: [{ name: 'regcred' }],
    serviceAccountName: 'default',
    nodeName: 'node-1',
    volumes: [{ name: 'config', configMap: { name: 'web' } }],
    tolerations: [{ key: 'k', operator: 'Exists' }],
  },
  status: {
    phase: 'Pending',
    podIP: '10.0.0.1',
    conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'long', lastTransitionTime: '2026-11-26T10:00:00Z' }],
    containerStatuses: [{ name: 'app', image: 'davidpuziol/nginx:1.0', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } } }],
    initContainerStatuses: [{ name: 'init', image: 'busybox', imageID: 'sha', ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
  },
} as unknown as V1Pod;

describe('trimming on arrival', () => {
  it('keeps what the diagnosis reads of a pod, and drops managedFields, unrelated spec and large annotations', () => {
    const trimmed = trimPod(pod);
    expect(pullWaits(trimmed)).toEqual(pullWaits(pod));
    expect(podContainers(trimmed)).toEqual(podContainers(pod));
    expect(trimmed.metadata).toEqual({
      ...identity,
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-26T10:00:00Z' },
      ownerReferences: pod.metadata?.ownerReferences,
    });
    const json = JSON.stringify(trimmed);
    for (const gone of ['managedFields', 'last-applied', 'env', 'command', 'volumes', 'tolerations', 'podIP']) expect(json).not.toContain(gone);
    expect(json.length).toBeLessThan(JSON.stringify(pod).length / 5);
  });

  it('keeps a pod its image volumes and the mounts of them, which fail like containers do', () => {
    const withVolume = {
      ...pod,
      spec: {
        ...pod.spec,
        containers: [{ name: 'server', image: 'nginx:1.27', volumeMounts: [{ name: 'config', mountPath: '/etc/app' }, { name: 'models', mountPath: '/models' }] }],
        volumes: [{ name: 'config', configMap: { name: 'web' } }, { name: 'models', image: { reference: 'ghcr.io/acme/models:v3', pullPolicy: 'IfNotPresent' } }],
      },
      status: { ...pod.status, containerStatuses: [{ name: 'server', image: 'nginx:1.27', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull', message: 'failed to pull and unpack image "ghcr.io/acme/models:v3": 401 Unauthorized' } } }] },
    } as unknown as V1Pod;
    const trimmed = trimPod(withVolume);
    expect(pullWaits(trimmed)).toEqual(pullWaits(withVolume));
    expect(pullWaits(trimmed).some((wait) => wait.containerType === 'image-volume')).toBe(true);
    expect(trimmed.spec?.volumes).toEqual([{ name: 'models', image: { reference: 'ghcr.io/acme/models:v3', pullPolicy: 'IfNotPresent' } }]);
    expect(JSON.stringify(trimmed)).not.toContain('configMap');
  });

  it('keeps a pull secret its data, and a service account only its pull secrets', () => {
    const secret = trimSecret({ metadata: { name: 'regcred', namespace: 'shop', managedFields } as never, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'e30=' } });
    expect(secret).toEqual({ metadata: expect.objectContaining({ name: 'regcred' }), type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'e30=' } });
    expect(JSON.stringify(secret)).not.toContain('managedFields');
    const account = trimServiceAccount({ metadata: { name: 'default', namespace: 'shop' }, secrets: [{ name: 'token' }], imagePullSecrets: [{ name: 'regcred' }] });
    expect(account).toEqual({ metadata: expect.objectContaining({ name: 'default' }), imagePullSecrets: [{ name: 'regcred' }] });
  });

  it('keeps the parts of an event the pod detail shows', () => {
    const event = trimEvent({
      metadata: { name: 'e', namespace: 'shop', managedFields } as never,
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'shop', uid: 'u1', fieldPath: 'spec.containers{app}', apiVersion: 'v1', resourceVersion: '9' },
      reason: 'Failed',
      message: 'Failed to pull image',
      type: 'Warning',
      count: 3,
      source: { component: 'kubelet', host: 'node-1' },
    });
    expect(event.involvedObject).toEqual({ kind: 'Pod', name: 'web-1', namespace: 'shop', uid: 'u1', fieldPath: 'spec.containers{app}' });
    expect(event).toMatchObject({ reason: 'Failed', message: 'Failed to pull image', type: 'Warning', count: 3, source: { component: 'kubelet', host: 'node-1' } });
  });

  it('keeps of a node its name, kubelet version and image names only, and the same KEP-2535 facts', () => {
    const node = {
      metadata: { name: 'node-3', resourceVersion: '77', uid: 'n3', labels: { 'kubernetes.io/os': 'linux' }, managedFields } as never,
      spec: { podCIDR: '10.244.0.0/24', taints: [{ key: 'dedicated', effect: 'NoSchedule' }] },
      status: {
        nodeInfo: { kubeletVersion: 'v1.35.0', containerRuntimeVersion: 'containerd://2.2.0', osImage: 'Debian', kernelVersion: '6.1', architecture: 'amd64' } as never,
        images: [{ names: ['ghcr.io/acme/api@sha256:' + 'a'.repeat(64), 'ghcr.io/acme/api:2.1'], sizeBytes: 1234 }],
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: '10.0.0.3' }],
      },
    };
    const trimmed = trimNode(node);
    expect(trimmed).toEqual({
      metadata: { name: 'node-3', resourceVersion: '77' },
      status: { nodeInfo: { kubeletVersion: 'v1.35.0' }, images: [{ names: node.status.images[0]!.names }] },
    });
    for (const image of ['ghcr.io/acme/api:2.1', `ghcr.io/acme/api@sha256:${'a'.repeat(64)}`, 'ghcr.io/acme/api:2.2']) {
      expect(nodeImageFacts(trimmed, parseImageRef(image))).toEqual(nodeImageFacts(node, parseImageRef(image)));
    }
  });
});
