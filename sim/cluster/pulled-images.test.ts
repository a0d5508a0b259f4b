import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock';
import type { PullOutcome } from '../contracts';
import type { ObjectStore } from '../store';
import { startKubelet, type Kubelet } from './kubelet';
import type { ContainerStatus, Pod } from './objects';
import { clusterStore, createPod, denied, dockerConfigSecret, eventsFor, fakePuller, PULLED, untilOnClock, type PullCall } from './testing/fixtures';

/**
 * KEP-2535 in the simulated kubelet: from 1.35 a pod may start from an image already on the node only with the
 * credentials that pulled it; otherwise it pulls again with its own, and with pull policy Never the image is
 * reported as not present.
 */
const running: Kubelet[] = [];
afterEach(() => {
  for (const kubelet of running.splice(0)) kubelet.stop();
});

let clock: ManualClock;
const PRIVATE = 'ghcr.io/acme/api:2.1';

function cluster(kubeletVersion: string, images: string[] = []) {
  const store = clusterStore([{ name: 'node-a', kubeletVersion, images }]);
  store.create('secrets', dockerConfigSecret('ghcr-creds', { 'ghcr.io': { username: 'acme-bot', password: 'bot-pass' } }));
  const puller = fakePuller((call: PullCall): PullOutcome => (call.image === PRIVATE && call.credentials.length === 0 ? denied(call.image) : PULLED));
  clock = new ManualClock();
  running.push(startKubelet({ store, pullImage: puller.pullImage, backoffMs: 40, containerRunMs: 30, clock }));
  return { store, puller };
}

function until<T>(check: () => T | undefined | false, what: string): Promise<T> {
  return untilOnClock(clock, check, what);
}

function state(store: ObjectStore, name: string): ContainerStatus['state'] | undefined {
  return (store.get('pods', 'default', name) as Pod | undefined)?.status?.containerStatuses?.[0]?.state;
}

function app(store: ObjectStore, name: string, options: { secret?: boolean; policy?: 'IfNotPresent' | 'Never'; image?: string } = {}) {
  createPod(store, name, {
    ...(options.secret ? { imagePullSecrets: [{ name: 'ghcr-creds' }] } : {}),
    containers: [{ name: 'app', image: options.image ?? PRIVATE, imagePullPolicy: options.policy ?? 'IfNotPresent' }],
  });
}

function pulledMessages(store: ObjectStore, name: string): string[] {
  return eventsFor(store, name).filter((event) => event.reason === 'Pulled').map((event) => String(event.message));
}

describe('a kubelet from 1.35 (KubeletEnsureSecretPulledImages)', () => {
  it('lets a pod with the credentials that pulled the image use it, and lists the image on the node', async () => {
    const { store, puller } = cluster('v1.35.0');
    app(store, 'warmer', { secret: true });
    await until(() => state(store, 'warmer')?.running, 'the warmer to run');
    const node = store.get('nodes', undefined, 'node-a')?.status as { images?: { names: string[] }[] };
    expect(node.images?.some((image) => image.names.includes(PRIVATE))).toBe(true);

    app(store, 'sibling', { secret: true });
    await until(() => state(store, 'sibling')?.running, 'the sibling to run');
    expect(pulledMessages(store, 'sibling')).toEqual([`Container image "${PRIVATE}" already present on machine and can be accessed by the pod`]);
    expect(puller.calls.filter((call) => call.image === PRIVATE)).toHaveLength(1);
  });

  it('makes a pod without those credentials pull again, and the registry refuses it', async () => {
    const { store, puller } = cluster('v1.35.0');
    app(store, 'warmer', { secret: true });
    await until(() => state(store, 'warmer')?.running, 'the warmer to run');
    app(store, 'reader');
    await until(() => state(store, 'reader')?.waiting?.reason === 'ErrImagePull', 'the reader to be refused');
    expect(puller.calls.filter((call) => call.image === PRIVATE).map((call) => call.credentials.length)).toEqual([1, 0]);
    expect(eventsFor(store, 'reader').map((event) => event.reason)).toEqual(expect.arrayContaining(['Pulling', 'Failed']));
  });

  it('reports a present image a Never pod may not use as not present', async () => {
    const { store } = cluster('v1.35.0');
    app(store, 'warmer', { secret: true });
    await until(() => state(store, 'warmer')?.running, 'the warmer to run');
    app(store, 'never', { policy: 'Never' });
    await until(() => state(store, 'never')?.waiting?.reason === 'ErrImageNeverPull', 'ErrImageNeverPull');
    expect(state(store, 'never')?.waiting?.message).toBe(`Container image "${PRIVATE}" is not present with pull policy of Never`);
  });

  it('does not verify images pulled anonymously or preloaded (NeverVerifyPreloadedImages)', async () => {
    const { store } = cluster('v1.35.0', ['docker.io/library/busybox:1.36']);
    app(store, 'public-1', { image: 'nginx:1.27' });
    await until(() => state(store, 'public-1')?.running, 'public-1 to run');
    app(store, 'public-2', { image: 'nginx:1.27', policy: 'Never' });
    app(store, 'preloaded', { image: 'busybox:1.36', policy: 'Never' });
    await until(() => state(store, 'public-2')?.running && state(store, 'preloaded')?.running, 'both to run from the cache');
  });
});

describe('a kubelet before 1.35', () => {
  it('starts any pod from a cached image, whoever pulled it', async () => {
    const { store, puller } = cluster('v1.34.2');
    app(store, 'warmer', { secret: true });
    await until(() => state(store, 'warmer')?.running, 'the warmer to run');
    app(store, 'reader');
    await until(() => state(store, 'reader')?.running, 'the reader to run');
    expect(pulledMessages(store, 'reader')).toEqual([`Container image "${PRIVATE}" already present on machine`]);
    expect(puller.calls.filter((call) => call.image === PRIVATE)).toHaveLength(1);
  });
});

describe('the scheduler and a NoSchedule node', () => {
  it('keeps pods off a tainted node unless they tolerate it or name it', async () => {
    const store = clusterStore([{ name: 'node-a' }, { name: 'dedicated', noSchedule: true }]);
    clock = new ManualClock();
    running.push(startKubelet({ store, pullImage: fakePuller(() => PULLED).pullImage, backoffMs: 40, containerRunMs: 30, clock }));
    for (const name of ['a', 'b', 'c']) createPod(store, name, { containers: [{ name: 'app', image: 'nginx:1.27' }] });
    createPod(store, 'tolerant', { tolerations: [{ key: 'pullfix.dev/dedicated', operator: 'Exists', effect: 'NoSchedule' }], containers: [{ name: 'app', image: 'nginx:1.27' }] });
    createPod(store, 'pinned', { nodeName: 'dedicated', containers: [{ name: 'app', image: 'nginx:1.27' }] });
    const nodeOf = (name: string) => (store.get('pods', 'default', name) as Pod | undefined)?.spec.nodeName;
    await until(() => ['a', 'b', 'c', 'tolerant', 'pinned'].every((name) => state(store, name)?.running), 'every pod to run');
    expect(['a', 'b', 'c'].map(nodeOf)).toEqual(['node-a', 'node-a', 'node-a']);
    expect(nodeOf('tolerant')).toBe('dedicated');
    expect(nodeOf('pinned')).toBe('dedicated');
  });
});
