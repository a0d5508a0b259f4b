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
      { container: 'app', containerType: 'regular', image: 'docker.io/davidpuziol/nginx', reason, message: `${reason} happened` },
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
