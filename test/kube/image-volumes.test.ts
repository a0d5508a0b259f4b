import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullFailure } from '../../lib/api/types';
import { listPullFailures } from '../../lib/kube/failures';
import { getPodDiagnosis } from '../../lib/kube/pod-detail';
import { getFixOptions } from '../../lib/kube/fix/options';
import { runFix } from '../../lib/kube/fix/run';
import { startSimCli, type SimProcess } from '../support/sim-cli';
import { followFix } from '../support/follow-fix';
import { waitUntil } from '../support/wait';
import { pointAppAtCluster } from '../support/app-cluster';

/**
 * The demo's image volumes (KEP-4639) through lib/kube: the simulated kubelet reports a failed image volume as
 * the kubelet does — on the containers that mount it, with its events on the pod — and pullfix lists the
 * volume itself, diagnoses it with the pod's pull secrets, and fixes it by attaching a secret to the workload.
 */
const NAMESPACE = 'volumes';
let simulator: SimProcess | null = null;
let restoreApp = (): void => undefined;

beforeAll(async () => {
  simulator = await startSimCli('demo');
  restoreApp = pointAppAtCluster(simulator);
}, 100_000);

afterAll(async () => {
  restoreApp();
  await simulator?.stop();
});

function volumeFailure(workload: string): Promise<PullFailure> {
  return waitUntil(
    async () => (await listPullFailures('sim-admin', NAMESPACE)).items.find((item) => item.workload?.name === workload && item.containerType === 'image-volume'),
    { what: `the image volume of ${workload} to be listed`, timeoutMs: 30_000, intervalMs: 500 },
  );
}

describe('an image volume whose image is private and the pod has no secret', () => {
  it('is listed as the volume, not as the container that mounts it, with the image breakdown and verdict', async () => {
    const item = await volumeFailure('model-server');
    expect(item).toMatchObject({
      container: 'models',
      containerType: 'image-volume',
      imageInput: 'ghcr.io/acme/models:1.0',
      image: { registry: 'ghcr.io', account: 'acme', image: 'models', tag: '1.0' },
      cause: 'unauthorized',
      verdict: { code: 'missing-secret' },
    });
    expect(item.verdict.explanation).toContain('The image is mounted as image volume models');
    const all = await listPullFailures('sim-admin', NAMESPACE);
    expect(all.items.filter((candidate) => candidate.pod === item.pod).map((candidate) => candidate.container)).toEqual(['models']);
  }, 40_000);

  it('shows the volume in the pod detail as failing, and the container that mounts it as not', async () => {
    const item = await volumeFailure('model-server');
    const detail = await getPodDiagnosis('sim-admin', NAMESPACE, item.pod);
    expect(detail.containers.find((container) => container.name === 'models')).toMatchObject({ containerType: 'image-volume', failing: true, verdict: { code: 'missing-secret' } });
    expect(detail.containers.find((container) => container.name === 'server')).toMatchObject({ containerType: 'regular', failing: false, reason: expect.stringMatching(/^(ErrImagePull|ImagePullBackOff)$/) });
    const podEvents = detail.events.filter((event) => event.container === null).map((event) => event.message);
    expect(podEvents).toContain('Pulling image "ghcr.io/acme/models:1.0"');
    expect(podEvents.some((message) => message.startsWith('Failed to pull image "ghcr.io/acme/models:1.0": '))).toBe(true);
  }, 40_000);

  it('is fixed by a new secret attached to the workload: the new pod pulls the volume and runs', async () => {
    const item = await volumeFailure('model-server');
    const options = await getFixOptions('sim-admin', NAMESPACE, item.pod, 'models');
    expect(options.workload).toEqual({ kind: 'Deployment', name: 'model-server' });
    const response = await runFix('sim-admin', NAMESPACE, {
      mode: 'apply',
      pod: item.pod,
      container: 'models',
      source: { kind: 'new', name: 'ghcr-models', server: 'ghcr.io', username: 'acme-bot', password: 'ghp_acme-bot-token' },
      target: { kind: 'workload' },
    });
    expect(response.applied).toBe(true);
    const progress = await followFix('sim-admin', NAMESPACE, response);
    expect(progress.failure).toBeNull();
    expect(progress.pods[0]?.phase).toBe('Running');
  }, 90_000);
});

describe('an image volume whose tag does not exist', () => {
  it('is listed as tag-not-found on the volume', async () => {
    const item = await volumeFailure('docs-site');
    expect(item).toMatchObject({ container: 'docs', containerType: 'image-volume', cause: 'not-found', verdict: { code: 'tag-not-found' }, image: { registry: 'docker.io', repository: 'pullfix/site-docs', tag: '2.0' } });
  }, 40_000);
});
