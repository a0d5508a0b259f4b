import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { reloadKubeConfig } from '../../lib/kube/config';
import { listPullFailures } from '../../lib/kube/failures';
import { getFixOptions } from '../../lib/kube/fix/options';
import { runFix } from '../../lib/kube/fix/run';
import { getPodDiagnosis } from '../../lib/kube/pod-detail';
import { startSim, type RunningSim } from '../../sim/testing';
import { followFix } from '../support/follow-fix';
import { waitUntil } from '../support/wait';

/**
 * The demo's debug-container case made the way users make it: the real `kubectl debug` adds an ephemeral container
 * through the simulator's pods/ephemeralcontainers subresource, the simulated kubelet pulls it like any other
 * container, and pullfix diagnoses it.
 */
interface PodJson {
  metadata: { name: string; uid: string };
  spec: { containers: { name: string; image: string }[]; ephemeralContainers?: { name: string; image: string }[] };
  status: { phase: string; ephemeralContainerStatuses?: { name: string; state: { waiting?: { reason: string; message?: string }; running?: object } }[] };
}

const NAMESPACE = 'debugging';
const PRIVATE_DEBUG_IMAGE = 'ghcr.io/acme/debug-tools:1.0';
const PULLABLE_DEBUG_IMAGE = 'registry.example.com:5000/team/debug-tools:1.0';

let sim: RunningSim;
let podName: string;

async function checkoutPod(): Promise<PodJson> {
  const result = await sim.kubectl(['get', 'pods', '-n', NAMESPACE, '-l', 'app=checkout', '-o', 'json']);
  const pod = (JSON.parse(result.stdout) as { items: PodJson[] }).items[0];
  if (!pod) throw new Error(`no checkout pod yet: ${result.stderr}`);
  return pod;
}

function ephemeralState(pod: PodJson, name: string) {
  return pod.status.ephemeralContainerStatuses?.find((status) => status.name === name)?.state;
}

beforeAll(async () => {
  sim = await startSim([process.execPath, '--import', 'tsx'], ['--scenario', 'demo', '--backoff-ms', '300']);
  process.env.PULLFIX_KUBECONFIG = sim.kubeconfig;
  reloadKubeConfig();
  podName = await vi.waitFor(
    async () => {
      const pod = await checkoutPod();
      if (pod.status.phase !== 'Running') throw new Error(`checkout is ${pod.status.phase}`);
      return pod.metadata.name;
    },
    { timeout: 30_000, interval: 250 },
  );
}, 90_000);

afterAll(async () => {
  delete process.env.PULLFIX_KUBECONFIG;
  reloadKubeConfig();
  await sim?.stop();
});

describe('kubectl debug with a private image the pod cannot pull', () => {
  beforeAll(async () => {
    const debug = await sim.kubectl(['debug', `pod/${podName}`, '-n', NAMESPACE, `--image=${PRIVATE_DEBUG_IMAGE}`, '-c', 'debugger', '--attach=false']);
    expect(debug.stderr).not.toMatch(/ephemeral containers are disabled/);
    expect(debug.code, debug.stderr).toBe(0);
  }, 30_000);

  it('leaves the debug container in ImagePullBackOff, with the kubelet events on it', async () => {
    // One read for both checks: the kubelet retries every few hundred ms, so a second read may be mid-pull.
    const state = await waitUntil(
      async () => {
        const current = ephemeralState(await checkoutPod(), 'debugger');
        return current?.waiting?.reason === 'ImagePullBackOff' && current;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'the debug container to be in ImagePullBackOff' },
    );
    expect(state?.waiting?.message).toMatch(/^Back-off pulling image "ghcr\.io\/acme\/debug-tools:1\.0": ErrImagePull: .*pull access denied/);
    const events = await sim.kubectl(['get', 'events', '-n', NAMESPACE, '--field-selector', `involvedObject.name=${podName}`, '-o', 'json']);
    const mine = (JSON.parse(events.stdout) as { items: { reason: string; message: string; involvedObject: { fieldPath?: string } }[] }).items.filter(
      (event) => event.involvedObject.fieldPath === 'spec.ephemeralContainers{debugger}',
    );
    expect(mine.map((event) => event.reason)).toEqual(expect.arrayContaining(['Pulling', 'Failed', 'BackOff']));
    expect(mine.find((event) => event.reason === 'Failed' && event.message.startsWith(`Failed to pull image "${PRIVATE_DEBUG_IMAGE}": `))).toBeDefined();
  }, 40_000);

  it('is listed and diagnosed as an ephemeral container pull failure', async () => {
    const failures = await listPullFailures('sim-admin', NAMESPACE);
    const item = failures.items.find((candidate) => candidate.pod === podName && candidate.container === 'debugger');
    expect(item).toMatchObject({ containerType: 'ephemeral', cause: 'unauthorized', image: { registry: 'ghcr.io', repository: 'acme/debug-tools' } });
    // ghcr-creds would pull it, but this pod's secrets cannot change: the verdict says so and offers what works.
    expect(item?.verdict).toMatchObject({ code: 'secret-not-attached', secretName: 'ghcr-creds' });
    expect(item?.verdict.explanation).toContain("ephemeral (debug) container: it can use only the pod's pull secrets, and a running pod's imagePullSecrets cannot be changed");
    expect(item?.verdict.explanation).toContain('GitHub Container Registry answers "denied" for a repository or tag that does not exist');
    expect(item?.verdict.fix).toMatch(/^On this pod, start a new debug container with an image its pull secrets can pull\. Or: Attach ghcr-creds /);
    expect(failures.items.filter((candidate) => candidate.container === 'checkout')).toEqual([]);
    const detail = await getPodDiagnosis('sim-admin', NAMESPACE, podName);
    expect(detail.containers.find((container) => container.name === 'debugger')).toMatchObject({ failing: true });
  });

  it('keeps the debug container: it can be neither removed nor changed, and the pod around it does not change', async () => {
    const path = `/api/v1/namespaces/${NAMESPACE}/pods/${podName}/ephemeralcontainers`;
    const read = await sim.kubectl(['get', '--raw', path]);
    expect(JSON.parse(read.stdout)).toMatchObject({ kind: 'Pod', spec: { ephemeralContainers: [{ name: 'debugger', image: PRIVATE_DEBUG_IMAGE }] } });

    const remove = await sim.kubectl(['patch', 'pod', podName, '-n', NAMESPACE, '--subresource=ephemeralcontainers', '--type=json', '-p', '[{"op":"remove","path":"/spec/ephemeralContainers/0"}]']);
    expect(remove.code).not.toBe(0);
    expect(remove.stderr).toContain('spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be removed');

    const change = await sim.kubectl(['patch', 'pod', podName, '-n', NAMESPACE, '--subresource=ephemeralcontainers', '--type=json', '-p', `[{"op":"replace","path":"/spec/ephemeralContainers/0/image","value":"${PULLABLE_DEBUG_IMAGE}"}]`]);
    expect(change.code).not.toBe(0);
    expect(change.stderr).toContain('existing ephemeral containers "debugger" may not be changed');

    const sneaky = await sim.kubectl([
      'patch', 'pod', podName, '-n', NAMESPACE, '--subresource=ephemeralcontainers', '--type=strategic', '-p',
      JSON.stringify({ spec: { imagePullSecrets: [{ name: 'ghcr-creds' }], containers: [{ name: 'checkout', image: 'nginx' }] } }),
    ]);
    expect(sneaky.code, sneaky.stderr).toBe(0);
    const pod = await checkoutPod();
    expect(pod.spec.containers[0]?.image).toBe('registry.example.com:5000/team/app:1.4');
    expect((pod.spec as { imagePullSecrets?: unknown }).imagePullSecrets).toEqual([{ name: 'registry-creds' }]);

    const ports = await sim.kubectl([
      'patch', 'pod', podName, '-n', NAMESPACE, '--subresource=ephemeralcontainers', '--type=strategic', '-p',
      JSON.stringify({ spec: { ephemeralContainers: [{ name: 'web', image: 'busybox:1.36', ports: [{ containerPort: 80 }] }] } }),
    ]);
    expect(ports.stderr).toContain('ports: Forbidden: cannot be set for an Ephemeral Container');

    const direct = await sim.kubectl(['patch', 'pod', podName, '-n', NAMESPACE, '--type=json', '-p', '[{"op":"add","path":"/spec/ephemeralContainers/-","value":{"name":"x","image":"busybox:1.36"}}]']);
    expect(direct.code).not.toBe(0);
    expect(direct.stderr).toContain('pod updates may not change fields');
  });
});

describe('the fix that works on this pod: a debug image its pull secrets can pull', () => {
  it('runs a second debug container from the registry the pod already has credentials for', async () => {
    const debug = await sim.kubectl(['debug', `pod/${podName}`, '-n', NAMESPACE, `--image=${PULLABLE_DEBUG_IMAGE}`, '-c', 'debugger-2', '--attach=false']);
    expect(debug.code, debug.stderr).toBe(0);
    await expect.poll(async () => ephemeralState(await checkoutPod(), 'debugger-2')?.running !== undefined, { timeout: 30_000, interval: 250 }).toBe(true);
    const failures = await listPullFailures('sim-admin', NAMESPACE);
    expect(failures.items.filter((item) => item.container === 'debugger-2')).toEqual([]);
  }, 40_000);
});

describe('the fix that works for the workload: attach the secret, then debug one of its new pods', () => {
  let command = '';

  it('offers attaching ghcr-creds to the Deployment, and ends the verdict with the kubectl command for its newest pod', async () => {
    const failures = await listPullFailures('sim-admin', NAMESPACE);
    const item = failures.items.find((candidate) => candidate.pod === podName && candidate.container === 'debugger');
    const fix = item?.verdict.fix ?? '';
    const hint = /To debug the newest: (kubectl .*)$/.exec(fix);
    expect(hint?.[1], fix).toBe(
      `kubectl -n ${NAMESPACE} debug "pod/$(kubectl -n ${NAMESPACE} get pods -l app=checkout --sort-by=.metadata.creationTimestamp -o jsonpath='{.items[-1:].metadata.name}')" --image=${PRIVATE_DEBUG_IMAGE} -c debugger --attach=false`,
    );
    command = hint?.[1] ?? '';
    const options = await getFixOptions('sim-admin', NAMESPACE, podName, 'debugger');
    expect(options.workload).toEqual({ kind: 'Deployment', name: 'checkout' });
    expect(options.sources.existing.map((choice) => choice.name)).toContain('ghcr-creds');
  });

  it('attaches ghcr-creds to the Deployment; the command then debugs the new pod, whose debug container runs', async () => {
    const response = await runFix('sim-admin', NAMESPACE, { mode: 'apply', pod: podName, container: 'debugger', source: { kind: 'existing', name: 'ghcr-creds' }, target: { kind: 'workload' } });
    expect(response.applied, JSON.stringify(response.steps)).toBe(true);
    const progress = await followFix('sim-admin', NAMESPACE, response);
    expect(progress.failure).toBeNull();
    const newPod = progress.pods[0]?.name ?? '';
    expect(newPod).not.toBe(podName);
    // Only the new pod is left once the rollout ends, so the command's "newest" is the new pod.
    await expect.poll(async () => (await sim.kubectl(['get', 'pods', '-n', NAMESPACE, '-l', 'app=checkout', '-o', 'name'])).stdout.trim(), { timeout: 30_000, interval: 250 }).toBe(`pod/${newPod}`);

    await promisify(execFile)('sh', ['-c', command], { env: { ...process.env, KUBECONFIG: sim.kubeconfig }, timeout: 60_000 });
    await expect
      .poll(async () => {
        const pod = (JSON.parse((await sim.kubectl(['get', 'pod', newPod, '-n', NAMESPACE, '-o', 'json'])).stdout) as PodJson);
        return ephemeralState(pod, 'debugger')?.running !== undefined;
      }, { timeout: 30_000, interval: 250 })
      .toBe(true);
    const failures = await listPullFailures('sim-admin', NAMESPACE);
    expect(failures.items.filter((item) => item.pod === newPod)).toEqual([]);
  }, 120_000);
});
