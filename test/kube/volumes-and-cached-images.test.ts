import { describe, expect, it } from 'vitest';
import type { PullFailure } from '../../lib/api/types';
import { clientsFor } from '../../lib/kube/config';
import { listPullFailures } from '../../lib/kube/failures';
import { getPodDiagnosis } from '../../lib/kube/pod-detail';
import { getFixOptions } from '../../lib/kube/fix/options';
import { runFix } from '../../lib/kube/fix/run';
import { planImageTagFix } from '../../lib/kube/image-tag-fix';
import { startSimCli } from '../support/sim-cli';
import { followFix } from '../support/follow-fix';
import { waitUntil } from '../support/wait';
import { clusterForFile } from '../support/app-cluster';

/**
 * Two demo blocks through lib/kube, on one simulated cluster:
 * - image volumes (KEP-4639): the simulated kubelet reports a failed image volume as the kubelet does — on the
 *   containers that mount it, with its events on the pod — and pullfix lists the volume itself, diagnoses it
 *   with the pod's pull secrets, and fixes it by attaching a secret to the workload;
 * - cached images on a 1.35 kubelet (KEP-2535): the pod detail reads the pod's node and tells the refused
 *   re-pull of a cached image and the Never pod's present-but-not-permitted image apart, and attaching the
 *   secret that pulled the image lets the new pod start from the cache.
 */
const NAMESPACE = 'volumes';

clusterForFile(() => startSimCli('demo'), {
  stop: (sim) => sim.stop(),
  environment: (sim) => ({ PULLFIX_KUBECONFIG: sim.kubeconfig, PULLFIX_REGISTRY_CONFIG: sim.registries, PULLFIX_VERIFY_CREDENTIALS: 'on' }),
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

  it('is fixed by setting the volume\'s reference to a tag that exists: the new pod mounts it and runs', async () => {
    const item = await volumeFailure('docs-site');
    const preview = await planImageTagFix('sim-admin', NAMESPACE, { mode: 'preview', pod: item.pod, container: 'docs', tag: '1.0' }, 'test');
    expect(preview).toMatchObject({ from: 'docker.io/pullfix/site-docs:2.0', to: 'docker.io/pullfix/site-docs:1.0', dryRun: { ok: true } });
    expect(preview.patch).toContain('reference: docker.io/pullfix/site-docs:1.0');
    const applied = await planImageTagFix('sim-admin', NAMESPACE, { mode: 'apply', pod: item.pod, container: 'docs', tag: '1.0' }, 'test');
    expect(applied.applied).toBe(true);
    await waitUntil(
      async () => {
        const pods = await clientsFor('sim-admin').core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: 'app=docs-site' });
        return pods.items.some((pod) => pod.status?.phase === 'Running' && pod.spec?.volumes?.[0]?.image?.reference === 'docker.io/pullfix/site-docs:1.0');
      },
      { what: 'a docs-site pod with the 1.0 volume to run', timeoutMs: 40_000, intervalMs: 500 },
    );
  }, 90_000);
});

describe('cached images on a kubelet that verifies their credentials (KEP-2535)', () => {
  const CACHED = 'cached';

  async function failingPod(workload: string): Promise<string> {
    return waitUntil(
      async () => (await listPullFailures('sim-admin', CACHED)).items.find((item) => item.workload?.name === workload)?.pod,
      { what: `${workload} to be listed`, timeoutMs: 30_000, intervalMs: 500 },
    );
  }

  /** The pod detail's verdict once the warmer's pull put the image in the node's status. */
  async function detailVerdict(pod: string, code: string) {
    return waitUntil(
      async () => {
        const detail = await getPodDiagnosis('sim-admin', CACHED, pod);
        const verdict = detail.containers.find((container) => container.name === 'api')?.verdict;
        return verdict?.code === code && verdict;
      },
      { what: `the pod detail of ${pod} to say ${code}`, timeoutMs: 30_000, intervalMs: 500 },
    );
  }

  it('says the IfNotPresent pod was refused the cached image and pulled again, and names the secret that pulled it', async () => {
    const verdict = await detailVerdict(await failingPod('reader'), 'cached-image-unverified');
    expect(verdict.secretName).toBe('ghcr-creds');
    expect(verdict.explanation).toContain('"ghcr.io/acme/api:2.1" is already on node sim-node-3');
    expect(verdict.explanation).toContain('v1.35.0');
    expect(verdict.fix).toContain('Attach the credentials that pulled it: secret ghcr-creds');
  }, 40_000);

  it('says the Never pod\'s image is present but not permitted', async () => {
    const verdict = await detailVerdict(await failingPod('never-reader'), 'cached-image-never-pull');
    expect(verdict.explanation).toContain('reported as not present');
  }, 40_000);

  it('is fixed by attaching ghcr-creds: the new pod starts from the cached image without pulling', async () => {
    const pod = await failingPod('reader');
    const response = await runFix('sim-admin', CACHED, { mode: 'apply', pod, container: 'api', source: { kind: 'existing', name: 'ghcr-creds' }, target: { kind: 'workload' } });
    expect(response.applied, JSON.stringify(response.steps)).toBe(true);
    const progress = await followFix('sim-admin', CACHED, response);
    expect(progress.failure).toBeNull();
    const detail = await getPodDiagnosis('sim-admin', CACHED, progress.pods[0]?.name ?? '');
    expect(detail.events.map((event) => event.message)).toContain('Container image "ghcr.io/acme/api:2.1" already present on machine and can be accessed by the pod');
  }, 90_000);
});
