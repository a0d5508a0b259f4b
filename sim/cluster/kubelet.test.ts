import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock';
import type { PullOutcome } from '../contracts';
import type { ObjectStore } from '../store';
import { goDuration, startKubelet, type Kubelet } from './kubelet';
import type { Condition, ContainerStatus, Pod } from './objects';
import { clusterStore, createPod, denied, dockerConfigSecret, eventsFor, fakePuller, PULLED, untilOnClock, type PullCall } from './testing/fixtures';

const running: Kubelet[] = [];
afterEach(() => {
  for (const kubelet of running.splice(0)) kubelet.stop();
});

// The kubelet runs on a manual clock: back-off windows and run times pass only when a test moves time, so a
// loaded machine cannot stretch or squeeze them.
let clock: ManualClock;

function start(store: ObjectStore, decide: (call: PullCall) => PullOutcome, backoffMs = 40, containerRunMs = 30) {
  const puller = fakePuller(decide);
  clock = new ManualClock();
  const kubelet = startKubelet({ store, pullImage: puller.pullImage, backoffMs, containerRunMs, clock });
  running.push(kubelet);
  return puller;
}

function until<T>(check: () => T | undefined | false, what: string): Promise<T> {
  return untilOnClock(clock, check, what);
}

function pod(store: ObjectStore, name: string): Pod {
  const found = store.get('pods', 'default', name) as Pod | undefined;
  if (!found) throw new Error(`pod ${name} is gone`);
  return found;
}

function containerState(store: ObjectStore, name: string, list: 'containerStatuses' | 'initContainerStatuses' = 'containerStatuses'): ContainerStatus | undefined {
  return pod(store, name).status?.[list]?.[0];
}

function waitingReason(store: ObjectStore, name: string, list: 'containerStatuses' | 'initContainerStatuses' = 'containerStatuses') {
  return containerState(store, name, list)?.state.waiting?.reason;
}

function condition(store: ObjectStore, name: string, type: string): Condition | undefined {
  return pod(store, name).status?.conditions?.find((candidate) => candidate.type === type);
}

function messages(store: ObjectStore, name: string): string[] {
  return eventsFor(store, name).map((event) => `${String(event.reason)}: ${String(event.message)}`);
}

describe('a pod whose image pulls', () => {
  it('runs, is ready, and shows the kubelet events in order', async () => {
    const store = clusterStore();
    const puller = start(store, () => PULLED);
    createPod(store, 'web', { containers: [{ name: 'nginx', image: 'nginx:1.27' }] });
    await until(() => pod(store, 'web').status?.phase === 'Running', 'phase Running');

    const status = pod(store, 'web').status;
    expect(pod(store, 'web').spec.nodeName).toBe('node-a');
    expect(status?.hostIP).toBe('10.0.0.10');
    expect(status?.podIP).toMatch(/^10\.244\.0\.\d+$/);
    expect(status?.startTime).toMatch(/Z$/);
    const container = status?.containerStatuses?.[0];
    expect(container).toMatchObject({ name: 'nginx', ready: true, started: true, image: 'docker.io/library/nginx:1.27', imageID: `docker.io/library/nginx@${PULLED.ok ? PULLED.digest : ''}` });
    expect(container?.state.running?.startedAt).toBeDefined();
    expect(status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ]);
    expect(puller.calls).toEqual([{ image: 'docker.io/library/nginx:1.27', credentials: [], platform: 'linux/amd64' }]);

    const events = eventsFor(store, 'web');
    expect(events.map((event) => event.reason)).toEqual(['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']);
    expect(messages(store, 'web')[1]).toBe('Pulling: Pulling image "nginx:1.27"');
    expect(messages(store, 'web')[2]).toMatch(/^Pulled: Successfully pulled image "nginx:1\.27" in (\d+ms|[\d.]+s) \(\1 including waiting\)\. Image size: 72195292 bytes\.$/);
    const pulled = events[2];
    expect(pulled?.source).toEqual({ component: 'kubelet', host: 'node-a' });
    expect(pulled?.involvedObject).toMatchObject({ kind: 'Pod', name: 'web', namespace: 'default', uid: pod(store, 'web').metadata.uid, fieldPath: 'spec.containers{nginx}' });
  });

  it('completes when its restart policy is not Always (a Job pod)', async () => {
    const store = clusterStore();
    start(store, () => PULLED);
    createPod(store, 'once', { restartPolicy: 'Never', containers: [{ name: 'task', image: 'busybox:1.36' }] });
    await until(() => pod(store, 'once').status?.phase === 'Succeeded', 'phase Succeeded');
    expect(containerState(store, 'once')?.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(condition(store, 'once', 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });
});

describe('a pod whose image pull fails', () => {
  const image = 'docker.io/davidpuziol/nginx';
  const normalized = 'docker.io/davidpuziol/nginx:latest';
  const outcome = denied(normalized);
  const deniedMessage = outcome.ok ? '' : outcome.message;

  it('goes ErrImagePull → ImagePullBackOff with the last error, retrying with doubling back-off', async () => {
    const store = clusterStore();
    const puller = start(store, (call) => denied(call.image), 40);
    createPod(store, 'david', { containers: [{ name: 'nginx', image }] });

    await until(() => waitingReason(store, 'david') === 'ErrImagePull', 'ErrImagePull');
    expect(containerState(store, 'david')?.state.waiting?.message).toBe(deniedMessage);
    await until(() => waitingReason(store, 'david') === 'ImagePullBackOff', 'ImagePullBackOff');
    expect(containerState(store, 'david')?.state.waiting?.message).toBe(
      `Back-off pulling image "${image}": ErrImagePull: ${deniedMessage}`,
    );
    expect(pod(store, 'david').status?.phase).toBe('Pending');
    expect(condition(store, 'david', 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [nginx]' });

    await until(() => puller.calls.length >= 3, 'three pulls');
    expect(new Set(puller.calls.map((call) => JSON.stringify(call)))).toEqual(new Set([JSON.stringify({ image: normalized, credentials: [], platform: 'linux/amd64' })]));
  });

  it('spaces retries by the initial back-off, then twice, four times that, … up to thirty times (10 s → 300 s)', async () => {
    const store = clusterStore();
    const stamps: number[] = [];
    start(
      store,
      (call) => {
        stamps.push(clock.now());
        return denied(call.image);
      },
      10_000,
    );
    createPod(store, 'david', { containers: [{ name: 'nginx', image }] });
    await until(() => stamps.length >= 8, 'eight pulls');
    const gaps = stamps.slice(1).map((at, i) => at - (stamps[i] ?? at));
    expect(gaps).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it('aggregates repeated events into one with a growing count', async () => {
    const store = clusterStore();
    const puller = start(store, (call) => denied(call.image), 30);
    createPod(store, 'david', { containers: [{ name: 'nginx', image }] });
    await until(() => puller.calls.length >= 3, 'three pulls');
    await until(() => eventsFor(store, 'david').some((event) => event.reason === 'Failed' && Number(event.count) >= 3), 'count 3');
    // The back-off's own warning is recorded on the first sync inside the window, which a loaded machine may delay.
    await until(() => eventsFor(store, 'david').some((event) => event.message === 'Error: ImagePullBackOff'), 'the back-off warning');
    const failed = eventsFor(store, 'david').filter((event) => event.reason === 'Failed').map((event) => event.message);
    expect(failed).toEqual([`Failed to pull image "${image}": ${deniedMessage}`, 'Error: ErrImagePull', 'Error: ImagePullBackOff']);
    const pulling = eventsFor(store, 'david').filter((event) => event.reason === 'Pulling');
    expect(pulling).toHaveLength(1);
    expect(Number(pulling[0]?.count)).toBeGreaterThanOrEqual(3);
    expect(eventsFor(store, 'david').find((event) => event.reason === 'BackOff')?.message).toBe(`Back-off pulling image "${image}"`);
  });
});

describe('failures decided before any pull', () => {
  const cases: {
    name: string;
    image: string;
    policy?: 'Always' | 'IfNotPresent' | 'Never';
    preloaded?: string[];
    reason: string;
    message: string;
    event: string;
  }[] = [
    {
      name: 'an invalid reference',
      image: 'Nginx:Latest',
      reason: 'InvalidImageName',
      message:
        'Failed to apply default image tag "Nginx:Latest": couldn\'t parse image name "Nginx:Latest": invalid reference format: repository name (library/Nginx) must be lowercase',
      event: 'InspectFailed',
    },
    {
      name: 'pull policy Never without the image',
      image: 'busybox:1.36',
      policy: 'Never',
      reason: 'ErrImageNeverPull',
      message: 'Container image "busybox:1.36" is not present with pull policy of Never',
      event: 'ErrImageNeverPull',
    },
  ];
  for (const testCase of cases) {
    it(`${testCase.name}: ${testCase.reason}`, async () => {
      const store = clusterStore([{ name: 'node-a', images: testCase.preloaded }]);
      const puller = start(store, () => PULLED);
      createPod(store, 'p', { containers: [{ name: 'c', image: testCase.image, ...(testCase.policy ? { imagePullPolicy: testCase.policy } : {}) }] });
      await until(() => waitingReason(store, 'p') === testCase.reason, testCase.reason);
      expect(containerState(store, 'p')?.state.waiting?.message).toBe(testCase.message);
      expect(messages(store, 'p')).toContain(`${testCase.event}: ${testCase.message}`);
      expect(messages(store, 'p')).toContain(`Failed: Error: ${testCase.reason}`);
      expect(puller.calls).toEqual([]);
    });
  }
});

describe('images already on the node', () => {
  const cases = [
    { policy: 'Never' as const, pulls: 0 },
    { policy: 'IfNotPresent' as const, pulls: 0 },
    { policy: 'Always' as const, pulls: 1 },
  ];
  for (const { policy, pulls } of cases) {
    it(`${policy}: ${pulls === 0 ? 'starts without pulling' : 'pulls anyway'}`, async () => {
      const store = clusterStore([{ name: 'node-a', images: ['docker.io/library/busybox:1.36'] }]);
      const puller = start(store, () => PULLED);
      createPod(store, 'p', { containers: [{ name: 'c', image: 'busybox:1.36', imagePullPolicy: policy }] });
      await until(() => pod(store, 'p').status?.phase === 'Running', 'Running');
      expect(puller.calls).toHaveLength(pulls);
      if (pulls === 0) expect(messages(store, 'p')).toContain('Pulled: Container image "busybox:1.36" already present on machine');
    });
  }
});

describe('pull secrets', () => {
  it('offers the matching credentials of the attached secrets, in order, and reports missing ones', async () => {
    const store = clusterStore();
    store.create('secrets', dockerConfigSecret('first', { 'https://index.docker.io/v1/': { username: 'ann', password: 'a-pass' } }));
    store.create('secrets', dockerConfigSecret('other-registry', { 'ghcr.io': { username: 'bob', password: 'b-pass' } }));
    store.create('secrets', dockerConfigSecret('legacy', { 'docker.io': { username: 'cid', password: 'c-pass' } }, 'kubernetes.io/dockercfg'));
    store.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'opaque', namespace: 'default' }, type: 'Opaque', data: dockerConfigSecret('x', { 'docker.io': { username: 'dan', password: 'd' } }).data });
    const puller = start(store, () => PULLED);
    createPod(store, 'p', {
      imagePullSecrets: [{ name: 'first' }, { name: 'gone' }, { name: 'other-registry' }, { name: 'opaque' }, { name: 'legacy' }],
      containers: [{ name: 'c', image: 'davidpuziol/nginx:1.0' }],
    });
    await until(() => pod(store, 'p').status?.phase === 'Running', 'Running');
    // docker.io matches directly; the index.docker.io key only through the Docker Hub fallback, which applies
    // only when nothing matched directly.
    expect(puller.calls[0]?.credentials).toEqual([{ username: 'cid', password: 'c-pass' }]);
    expect(messages(store, 'p')).toContain(
      'FailedToRetrieveImagePullSecret: Unable to retrieve some image pull secrets (gone); attempting to pull the image may not succeed.',
    );
  });

  it('falls back to the index.docker.io key for a Docker Hub image', async () => {
    const store = clusterStore();
    store.create('secrets', dockerConfigSecret('hub', { 'https://index.docker.io/v1/': { username: 'ann', password: 'a-pass' } }));
    const puller = start(store, () => PULLED);
    createPod(store, 'p', { imagePullSecrets: [{ name: 'hub' }], containers: [{ name: 'c', image: 'davidpuziol/nginx' }] });
    await until(() => puller.calls.length > 0, 'a pull');
    expect(puller.calls[0]?.credentials).toEqual([{ username: 'ann', password: 'a-pass' }]);
  });

  it('fails the pull with Go\'s words when an attached secret cannot be decoded', async () => {
    const store = clusterStore();
    const auths = { auths: { 'registry.example.com:5000': { auth: Buffer.from('team-ci').toString('base64') } } };
    store.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'broken', namespace: 'default' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(JSON.stringify(auths)).toString('base64') } });
    const puller = start(store, () => PULLED);
    createPod(store, 'p', { imagePullSecrets: [{ name: 'broken' }], containers: [{ name: 'c', image: 'registry.example.com:5000/team/app:1.4' }] });
    await until(() => waitingReason(store, 'p') === 'ErrImagePull', 'ErrImagePull');
    expect(containerState(store, 'p')?.state.waiting?.message).toBe('unable to parse auth field, must be formatted as base64(username:password)');
    expect(puller.calls).toEqual([]);
  });

  it('picks up fixed data in an attached secret on the next retry, and never a secret attached to the account later', async () => {
    const store = clusterStore();
    store.create('secrets', dockerConfigSecret('creds', { 'registry.example.com': { username: 'team', password: 'wrong' } }));
    const puller = start(store, (call) => (call.credentials[0]?.password === 'right' ? PULLED : denied(call.image)), 40);
    createPod(store, 'p', { imagePullSecrets: [{ name: 'creds' }], containers: [{ name: 'c', image: 'registry.example.com/team/app:1.0' }] });
    // Always: with IfNotPresent, q would start from the image p pulls onto the node, credentials unchecked.
    createPod(store, 'q', { containers: [{ name: 'c', image: 'registry.example.com/team/app:1.0', imagePullPolicy: 'Always' }] });
    await until(() => waitingReason(store, 'p') === 'ImagePullBackOff', 'back-off');

    const account = store.get('serviceaccounts', 'default', 'default');
    if (!account) throw new Error('no default service account');
    store.update('serviceaccounts', { ...account, imagePullSecrets: [{ name: 'creds' }] });
    const secret = store.get('secrets', 'default', 'creds');
    if (!secret) throw new Error('no secret');
    store.update('secrets', { ...secret, data: dockerConfigSecret('creds', { 'registry.example.com': { username: 'team', password: 'right' } }).data });

    await until(() => pod(store, 'p').status?.phase === 'Running', 'p Running');
    const lastForQ = puller.calls.filter((call) => call.credentials.length === 0).length;
    expect(lastForQ).toBeGreaterThan(0);
    expect(pod(store, 'q').spec.imagePullSecrets).toBeUndefined();
    expect(waitingReason(store, 'q')).toMatch(/^(ErrImagePull|ImagePullBackOff)$/);
  });
});

describe('init containers', () => {
  it('blocks the pod with Init waiting states while the init image fails', async () => {
    const store = clusterStore();
    start(store, (call) => (call.image.includes('config-loader') ? denied(call.image) : PULLED), 40);
    createPod(store, 'p', {
      initContainers: [{ name: 'fetch', image: 'ghcr.io/acme/config-loader:1.0' }],
      containers: [{ name: 'web', image: 'nginx:1.27' }],
    });
    await until(() => waitingReason(store, 'p', 'initContainerStatuses') === 'ImagePullBackOff', 'init back-off');
    expect(waitingReason(store, 'p')).toBe('PodInitializing');
    expect(condition(store, 'p', 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [fetch]' });
    expect(eventsFor(store, 'p').find((event) => event.reason === 'Pulling')?.involvedObject).toMatchObject({ fieldPath: 'spec.initContainers{fetch}' });
  });

  it('runs init containers to completion before the regular ones', async () => {
    const store = clusterStore();
    start(store, () => PULLED);
    createPod(store, 'p', {
      initContainers: [{ name: 'one', image: 'busybox:1.36' }, { name: 'two', image: 'busybox:1.36' }],
      containers: [{ name: 'web', image: 'nginx:1.27' }],
    });
    await until(() => pod(store, 'p').status?.phase === 'Running', 'Running');
    expect(pod(store, 'p').status?.initContainerStatuses?.map((s) => s.state.terminated?.reason)).toEqual(['Completed', 'Completed']);
    const started = eventsFor(store, 'p').filter((event) => event.reason === 'Started').map((event) => event.message);
    expect(started).toEqual(['Started container one', 'Started container two', 'Started container web']);
  });
});

describe('goDuration', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [7, '7ms'],
    [999, '999ms'],
    [1000, '1s'],
    [1200, '1.2s'],
    [2345, '2.345s'],
    [61_500, '1m1.5s'],
  ];
  for (const [ms, text] of cases) it(`${ms} ms → ${text}`, () => expect(goDuration(ms)).toBe(text));
});

describe('pods that already carry a status (a restarted kubelet, the scale scenario)', () => {
  it('keeps running containers as they are and retries failing pulls within one back-off window', async () => {
    const store = clusterStore();
    const running = createPod(store, 'steady', { nodeName: 'node-a', containers: [{ name: 'c', image: 'nginx:1.27' }] });
    const runningStatus = {
      phase: 'Running' as const,
      podIP: '10.244.0.9',
      startTime: '2026-01-01T00:00:00Z',
      containerStatuses: [{ name: 'c', image: 'docker.io/library/nginx:1.27', imageID: 'docker.io/library/nginx@sha256:abc', ready: true, started: true, restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:00Z' } }, lastState: {} }],
    };
    store.update('pods', { ...running, status: runningStatus });
    const failing = createPod(store, 'stuck', { nodeName: 'node-a', containers: [{ name: 'c', image: 'private/app:1' }] });
    store.update('pods', {
      ...failing,
      status: { phase: 'Pending', containerStatuses: [{ name: 'c', image: 'private/app:1', imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "private/app:1": ErrImagePull: denied' } }, lastState: {} }] },
    });
    const before = store.get('pods', 'default', 'steady')?.metadata.resourceVersion;

    const puller = start(store, (call) => denied(call.image), 10);
    await until(() => puller.calls.length >= 1, 'a retry of the failing pull');
    expect(puller.calls.map((call) => call.image)).toEqual(['docker.io/private/app:1']);
    expect(store.get('pods', 'default', 'steady')?.metadata.resourceVersion).toBe(before);
  });
});
