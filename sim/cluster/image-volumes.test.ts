import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock';
import type { PullOutcome } from '../contracts';
import type { ObjectStore } from '../store';
import { startKubelet, type Kubelet } from './kubelet';
import type { ContainerStatus, Pod } from './objects';
import { clusterStore, createPod, denied, dockerConfigSecret, eventsFor, fakePuller, PULLED, untilOnClock, type PullCall } from './testing/fixtures';

/**
 * Image volumes (KEP-4639) as the kubelet reports a failed pull: the image manager's events on the pod itself
 * (no field path), and each container that mounts the volume waiting with the volume's reason and message and
 * an "Error: <reason>" event of its own (getImageVolumes, toKubeContainerImageVolumes).
 */
const running: Kubelet[] = [];
afterEach(() => {
  for (const kubelet of running.splice(0)) kubelet.stop();
});

let clock: ManualClock;

function start(store: ObjectStore, decide: (call: PullCall) => PullOutcome) {
  const puller = fakePuller(decide);
  clock = new ManualClock();
  running.push(startKubelet({ store, pullImage: puller.pullImage, backoffMs: 40, containerRunMs: 30, clock }));
  return puller;
}

function until<T>(check: () => T | undefined | false, what: string): Promise<T> {
  return untilOnClock(clock, check, what);
}

function statusOf(store: ObjectStore, pod: string, container: string): ContainerStatus | undefined {
  return (store.get('pods', 'default', pod) as Pod | undefined)?.status?.containerStatuses?.find((status) => status.name === container);
}

const MODELS = 'ghcr.io/acme/models:1.0';
const MODELS_NORMALIZED = 'ghcr.io/acme/models:1.0';

function modelPod(store: ObjectStore, pullPolicy?: 'Always' | 'IfNotPresent' | 'Never', imagePullSecrets?: { name: string }[]) {
  return createPod(store, 'inference', {
    ...(imagePullSecrets ? { imagePullSecrets } : {}),
    volumes: [{ name: 'models', image: { reference: MODELS, ...(pullPolicy ? { pullPolicy } : {}) } }],
    containers: [
      { name: 'server', image: 'nginx:1.27', volumeMounts: [{ name: 'models', mountPath: '/models', readOnly: true }] },
      { name: 'sidecar', image: 'busybox:1.36' },
    ],
  });
}

describe('an image volume whose pull is refused', () => {
  it('keeps the containers that mount it waiting with its error, and starts the others', async () => {
    const store = clusterStore();
    const puller = start(store, (call) => (call.image === MODELS_NORMALIZED ? denied(call.image) : PULLED));
    modelPod(store);

    await until(() => statusOf(store, 'inference', 'server')?.state.waiting?.reason === 'ErrImagePull' && statusOf(store, 'inference', 'sidecar')?.state.running, 'the volume to fail');
    const deniedMessage = (denied(MODELS_NORMALIZED) as { message: string }).message;
    expect(statusOf(store, 'inference', 'server')?.state.waiting?.message).toBe(deniedMessage);
    // The server's own image is never pulled: the volume fails it first.
    expect(puller.calls.map((call) => call.image)).not.toContain('docker.io/library/nginx:1.27');

    await until(() => statusOf(store, 'inference', 'server')?.state.waiting?.reason === 'ImagePullBackOff', 'back-off');
    expect(statusOf(store, 'inference', 'server')?.state.waiting?.message).toBe(`Back-off pulling image "${MODELS}": ErrImagePull: ${deniedMessage}`);

    const events = eventsFor(store, 'inference').map((event) => ({
      reason: event.reason,
      message: event.message,
      fieldPath: (event.involvedObject as { fieldPath?: string }).fieldPath ?? null,
    }));
    expect(events).toEqual(
      expect.arrayContaining([
        { reason: 'Pulling', message: `Pulling image "${MODELS}"`, fieldPath: null },
        { reason: 'Failed', message: `Failed to pull image "${MODELS}": ${deniedMessage}`, fieldPath: null },
        { reason: 'BackOff', message: `Back-off pulling image "${MODELS}"`, fieldPath: null },
        { reason: 'Failed', message: 'Error: ErrImagePull', fieldPath: 'spec.containers{server}' },
      ]),
    );
    expect(events.filter((event) => event.fieldPath === 'spec.containers{sidecar}').map((event) => event.reason)).toEqual(['Pulling', 'Pulled', 'Created', 'Started']);
  });

  it('pulls with the pod\'s pull secrets, and starts the container once the volume pulls', async () => {
    const store = clusterStore();
    store.create('secrets', dockerConfigSecret('ghcr-creds', { 'ghcr.io': { username: 'acme-bot', password: 'bot-pass' } }));
    let refuse = true;
    const puller = start(store, (call) => (call.image === MODELS_NORMALIZED && refuse ? denied(call.image) : PULLED));
    modelPod(store, undefined, [{ name: 'ghcr-creds' }]);
    await until(() => statusOf(store, 'inference', 'server')?.state.waiting?.reason === 'ErrImagePull', 'the volume to fail');
    expect(puller.calls.find((call) => call.image === MODELS_NORMALIZED)?.credentials).toEqual([{ username: 'acme-bot', password: 'bot-pass' }]);
    refuse = false;
    await until(() => statusOf(store, 'inference', 'server')?.state.running, 'the server to run');
  });

  it('reports ErrImageNeverPull for an image volume with pull policy Never that is not on the node', async () => {
    const store = clusterStore();
    start(store, () => PULLED);
    modelPod(store, 'Never');
    await until(() => statusOf(store, 'inference', 'server')?.state.waiting?.reason === 'ErrImageNeverPull', 'ErrImageNeverPull');
    expect(statusOf(store, 'inference', 'server')?.state.waiting?.message).toBe(`Container image "${MODELS}" is not present with pull policy of Never`);
  });
});
