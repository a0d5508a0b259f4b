import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { podContainers, pullWaits } from './pull-waits';

const waiting = (name: string, reason: string, message?: string) => ({
  name,
  image: 'ignored-status-image',
  imageID: '',
  ready: false,
  restartCount: 0,
  state: { waiting: message === undefined ? { reason } : { reason, message } },
});

function pod(statuses: Partial<Record<'init' | 'regular' | 'ephemeral', ReturnType<typeof waiting>[]>>): V1Pod {
  return {
    metadata: { name: 'web-1', namespace: 'shop' },
    spec: {
      initContainers: [{ name: 'setup', image: 'busybox' }],
      containers: [
        { name: 'app', image: 'docker.io/davidpuziol/nginx', imagePullPolicy: 'Always' },
        { name: 'sidecar', image: 'ghcr.io/acme/proxy:1.2' },
      ],
      ephemeralContainers: [{ name: 'debugger', image: 'registry.example.com:5000/tools/debug' }],
    },
    status: {
      phase: 'Pending',
      initContainerStatuses: statuses.init,
      containerStatuses: statuses.regular,
      ephemeralContainerStatuses: statuses.ephemeral,
    },
  };
}

describe('pullWaits', () => {
  const pullReasons = [
    'ErrImagePull',
    'ImagePullBackOff',
    'InvalidImageName',
    'ErrImageNeverPull',
    'RegistryUnavailable',
    'SignatureValidationFailed',
    'ImageInspectError',
  ];

  it.each(pullReasons)('reports a regular container waiting on %s with the spec image', (reason) => {
    const waits = pullWaits(pod({ regular: [waiting('app', reason, `${reason} happened`)] }));
    expect(waits).toEqual([
      { container: 'app', containerType: 'regular', image: 'docker.io/davidpuziol/nginx', reason, message: `${reason} happened`, pullPolicy: 'Always' },
    ]);
  });

  it.each(['ContainerCreating', 'CrashLoopBackOff', 'CreateContainerConfigError', 'PodInitializing'])(
    'ignores a container waiting on %s',
    (reason) => {
      expect(pullWaits(pod({ regular: [waiting('app', reason)] }))).toEqual([]);
    },
  );

  it('reports init, regular and ephemeral containers, in that order', () => {
    const waits = pullWaits(
      pod({
        ephemeral: [waiting('debugger', 'ErrImagePull', 'x')],
        regular: [waiting('sidecar', 'ImagePullBackOff', 'y')],
        init: [waiting('setup', 'ErrImagePull', 'z')],
      }),
    );
    expect(waits.map((wait) => [wait.containerType, wait.container, wait.image])).toEqual([
      ['init', 'setup', 'busybox'],
      ['regular', 'sidecar', 'ghcr.io/acme/proxy:1.2'],
      ['ephemeral', 'debugger', 'registry.example.com:5000/tools/debug'],
    ]);
  });

  it('gives an empty message when the kubelet set none', () => {
    expect(pullWaits(pod({ regular: [waiting('app', 'ErrImageNeverPull')] }))[0]?.message).toBe('');
  });

  it('reports nothing for a pod the kubelet has not reported on yet', () => {
    expect(pullWaits(pod({}))).toEqual([]);
  });
});

describe('podContainers', () => {
  it('joins statuses by name and keeps containers without one', () => {
    const containers = podContainers(pod({ regular: [waiting('sidecar', 'ErrImagePull')] }));
    expect(containers.map((c) => [c.name, c.containerType, c.imagePullPolicy, c.status?.name ?? null])).toEqual([
      ['setup', 'init', null, null],
      ['app', 'regular', 'Always', null],
      ['sidecar', 'regular', null, 'sidecar'],
      ['debugger', 'ephemeral', null, null],
    ]);
  });
});

describe('image volumes', () => {
  const MODELS = 'ghcr.io/acme/models:1.0';
  const refused = `failed to pull and unpack image "${MODELS}": failed to resolve reference "${MODELS}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;

  function volumePod(statuses: ReturnType<typeof waiting>[]): V1Pod {
    return {
      metadata: { name: 'inference-1', namespace: 'ml' },
      spec: {
        volumes: [
          { name: 'models', image: { reference: MODELS, pullPolicy: 'IfNotPresent' } },
          { name: 'cache', emptyDir: {} },
        ],
        containers: [
          { name: 'server', image: 'nginx:1.27', volumeMounts: [{ name: 'cache', mountPath: '/c' }, { name: 'models', mountPath: '/models' }] },
          { name: 'loader', image: 'busybox:1.36', volumeMounts: [{ name: 'models', mountPath: '/models' }] },
          { name: 'sidecar', image: 'ghcr.io/acme/proxy:1.2' },
        ],
      },
      status: { phase: 'Pending', containerStatuses: statuses },
    };
  }

  it('lists a failed image volume once, as the volume, with the wait of the containers that mount it', () => {
    const pod = volumePod([waiting('server', 'ErrImagePull', refused), waiting('loader', 'ErrImagePull', refused), waiting('sidecar', 'ContainerCreating')]);
    expect(pullWaits(pod)).toEqual([{ container: 'models', containerType: 'image-volume', image: MODELS, reason: 'ErrImagePull', message: refused, pullPolicy: 'IfNotPresent' }]);
    const entries = podContainers(pod).map((container) => [container.name, container.containerType, container.blockedBy, container.imagePullPolicy]);
    expect(entries).toEqual([
      ['server', 'regular', 'models', null],
      ['loader', 'regular', 'models', null],
      ['sidecar', 'regular', null, null],
      ['models', 'image-volume', null, 'IfNotPresent'],
    ]);
  });

  it('knows the volume in the back-off message and in every runtime\'s words', () => {
    for (const message of [
      `Back-off pulling image "${MODELS}": ErrImagePull: ${refused}`,
      `unable to pull image: initializing source docker://${MODELS}: reading manifest 1.0 in ghcr.io/acme/models: manifest unknown`,
      `rpc error: code = Unknown desc = Error response from daemon: pull access denied for ghcr.io/acme/models, repository does not exist or may require 'docker login'`,
      `Container image "${MODELS}" is not present with pull policy of Never`,
    ]) {
      expect(pullWaits(volumePod([waiting('loader', 'ImagePullBackOff', message)])).map((wait) => wait.container), message).toEqual(['models']);
    }
  });

  it('keeps a container\'s wait its own when the message is about its own image', () => {
    const own = 'failed to pull and unpack image "docker.io/library/busybox:1.36": not found';
    expect(pullWaits(volumePod([waiting('loader', 'ErrImagePull', own)]))).toEqual([
      { container: 'loader', containerType: 'regular', image: 'busybox:1.36', reason: 'ErrImagePull', message: own, pullPolicy: null },
    ]);
  });

  it('lists no volume when no container that mounts it waits on a pull', () => {
    const pod = volumePod([waiting('sidecar', 'ErrImagePull', 'failed to pull and unpack image "ghcr.io/acme/proxy:1.2": denied')]);
    expect(pullWaits(pod).map((wait) => wait.container)).toEqual(['sidecar']);
    expect(podContainers(pod).find((container) => container.name === 'models')?.status).toBeNull();
  });
});
