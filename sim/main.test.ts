import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuMilliseconds, startSim, type RunningSim } from './cluster/testing/cli';
import { freeLoopbackPort } from '../test/registry/servers';
import { waitUntil } from '../test/support/wait';

/**
 * End to end over the CLI: the simulator as `npx tsx sim/main.ts --scenario demo` runs it, driven by the real
 * kubectl. Back-off is 300 ms, so durations are 0.03 of a real cluster's.
 */

interface ContainerStatusJson {
  name: string;
  state: { waiting?: { reason: string; message?: string }; running?: object; terminated?: { reason: string } };
}
interface PodJson {
  metadata: { name: string; namespace: string; uid: string; ownerReferences?: { kind: string; name: string }[] };
  spec: { imagePullSecrets?: { name: string }[] };
  status: { phase: string; containerStatuses?: ContainerStatusJson[]; initContainerStatuses?: ContainerStatusJson[] };
}
interface EventJson {
  reason: string;
  message: string;
  count: number;
  involvedObject: { name: string; uid: string; fieldPath?: string };
  source: { component: string };
}

const PULL_FAILURES = ['ErrImagePull', 'ImagePullBackOff'];

let sim: RunningSim;

beforeAll(async () => {
  sim = await startSim(['npx', 'tsx'], ['--scenario', 'demo', '--backoff-ms', '300']);
}, 120_000);

afterAll(async () => {
  // npx itself dies of the signal; the simulator's own clean exit is checked by the start-up tests below.
  if (sim) await sim.stop();
});

async function pods(namespace?: string): Promise<PodJson[]> {
  const result = await sim.kubectl(['get', 'pods', ...(namespace ? ['-n', namespace] : ['-A']), '-o', 'json']);
  expect(result.stderr).toBe('');
  return (JSON.parse(result.stdout) as { items: PodJson[] }).items;
}

async function events(namespace: string): Promise<EventJson[]> {
  const result = await sim.kubectl(['get', 'events', '-n', namespace, '-o', 'json']);
  return (JSON.parse(result.stdout) as { items: EventJson[] }).items;
}

/** Each probe runs kubectl, so the polls are spaced wider than the default. */
function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  return waitUntil(probe, { what, timeoutMs: 30_000, intervalMs: 250 });
}

/** The demo's cases: where each workload's pod is, and the reasons and words its case calls for. */
interface DemoCase {
  namespace: string;
  pod: RegExp;
  verdict: string;
  init?: boolean;
  reasons: string[];
  message?: string | RegExp;
  events?: (string | RegExp)[];
}

const DEMO_CASES: DemoCase[] = [
  { namespace: 'default', pod: /^nginx-\w+-\w{5}$/, verdict: 'healthy', reasons: ['Running'] },
  { namespace: 'default', pod: /^redis-0$/, verdict: 'healthy (StatefulSet)', reasons: ['Running'] },
  { namespace: 'default', pod: /^toolbox$/, verdict: 'healthy (bare Pod)', reasons: ['Running'] },
  {
    namespace: 'default',
    pod: /^nginx-david-/,
    verdict: 'secret-not-attached',
    reasons: PULL_FAILURES,
    message: /failed to resolve reference "docker\.io\/davidpuziol\/nginx:latest": pull access denied, repository does not exist or may require authorization/,
    events: ['Pulling image "docker.io/davidpuziol/nginx"', /^Failed to pull image "docker\.io\/davidpuziol\/nginx": .*pull access denied/, 'Error: ErrImagePull', 'Back-off pulling image "docker.io/davidpuziol/nginx"', 'Error: ImagePullBackOff'],
  },
  { namespace: 'team-missing', pod: /^api-/, verdict: 'missing-secret', reasons: PULL_FAILURES, message: /"ghcr\.io\/acme\/api:2\.1": pull access denied/ },
  { namespace: 'team-ghcr', pod: /^api-/, verdict: 'secret-for-other-registry', reasons: PULL_FAILURES, message: /"ghcr\.io\/acme\/api:2\.1": pull access denied/ },
  { namespace: 'team-port', pod: /^app-0$/, verdict: 'secret-for-other-registry (port)', reasons: PULL_FAILURES, message: /no basic auth credentials/ },
  { namespace: 'team-wrongpass', pod: /^worker-/, verdict: 'credentials-rejected', reasons: PULL_FAILURES, message: /401 Unauthorized/ },
  { namespace: 'team-unattached', pod: /^migrate-/, verdict: 'secret-not-attached (Job)', reasons: PULL_FAILURES, message: /pull access denied/ },
  { namespace: 'team-sa', pod: /^web-/, verdict: 'pod-predates-service-account', reasons: PULL_FAILURES, message: /no basic auth credentials/ },
  {
    namespace: 'team-refmissing',
    pod: /^agent-/,
    verdict: 'referenced-secret-missing (DaemonSet)',
    reasons: PULL_FAILURES,
    message: /pull access denied/,
    events: ['Unable to retrieve some image pull secrets (ghcr-pull); attempting to pull the image may not succeed.'],
  },
  {
    namespace: 'team-malformed',
    pod: /^batch-runner$/,
    verdict: 'malformed-secret',
    reasons: PULL_FAILURES,
    message: /unable to parse auth field, must be formatted as base64\(username:password\)$/,
  },
  { namespace: 'legacy', pod: /^legacy-app-/, verdict: 'healthy (dockercfg secret)', reasons: ['Running'] },
  { namespace: 'legacy', pod: /^frontend-\w{5}$/, verdict: 'healthy (ReplicaSet without Deployment)', reasons: ['Running'] },
  { namespace: 'typos', pod: /^web-/, verdict: 'tag-not-found', reasons: PULL_FAILURES, message: /docker\.io\/library\/nginx:1\.27-alpne: not found/ },
  { namespace: 'network', pod: /^dns-fail-/, verdict: 'registry-unreachable (DNS)', reasons: PULL_FAILURES, message: /no such host/ },
  { namespace: 'network', pod: /^tls-fail-/, verdict: 'registry-unreachable (TLS)', reasons: PULL_FAILURES, message: /x509/ },
  { namespace: 'limits', pod: /^mirror-/, verdict: 'rate-limited', reasons: PULL_FAILURES, message: /429|toomanyrequests/ },
  { namespace: 'platforms', pod: /^arm-only-/, verdict: 'platform-mismatch', reasons: PULL_FAILURES, message: /no match for platform in manifest/ },
  {
    namespace: 'invalid',
    pod: /^bad-name-/,
    verdict: 'invalid-reference',
    reasons: ['InvalidImageName'],
    message: /^Failed to apply default image tag "Nginx:Latest": couldn't parse image name "Nginx:Latest": invalid reference format: repository name \((library\/)?Nginx\) must be lowercase$/,
    events: [/^Failed to apply default image tag "Nginx:Latest"/, 'Error: InvalidImageName'],
  },
  {
    namespace: 'never',
    pod: /^preloaded-only-/,
    verdict: 'never-pull',
    reasons: ['ErrImageNeverPull'],
    message: 'Container image "busybox:1.36" is not present with pull policy of Never',
    events: ['Container image "busybox:1.36" is not present with pull policy of Never'],
  },
  { namespace: 'cloud', pod: /^billing-/, verdict: 'node-credentials', reasons: PULL_FAILURES, message: /123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/app:1\.0/ },
  { namespace: 'init', pod: /^with-init-/, verdict: 'missing-secret (init container)', init: true, reasons: PULL_FAILURES, message: /"ghcr\.io\/acme\/config-loader:1\.0": pull access denied/ },
  { namespace: 'batch', pod: /^db-migrate-/, verdict: 'healthy (Job)', reasons: ['Succeeded'] },
];

function stateOf(pod: PodJson, init: boolean): { reason: string; message?: string } {
  if (pod.status.phase === 'Succeeded') return { reason: 'Succeeded' };
  const status = (init ? pod.status.initContainerStatuses : pod.status.containerStatuses)?.[0];
  if (status?.state.running && pod.status.phase === 'Running') return { reason: 'Running' };
  return { reason: status?.state.waiting?.reason ?? pod.status.phase, message: status?.state.waiting?.message };
}

describe('the demo scenario over kubectl', () => {
  it('prints ready with the kubeconfig it wrote, and registries.json beside it', () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const registries = JSON.parse(readFileSync(path.join(sim.directory, 'registries.json'), 'utf8')) as { hosts: Record<string, { endpoint: string }> };
    expect(Object.keys(registries.hosts)).toEqual(expect.arrayContaining(['docker.io', 'ghcr.io', 'registry.example.com:5000']));
  });

  it('shows every demo workload with the reason and message its case calls for', async () => {
    const all = await until('every demo case to settle', async () => {
      const items = await pods();
      const settled = DEMO_CASES.every((testCase) => {
        const pod = items.find((item) => item.metadata.namespace === testCase.namespace && testCase.pod.test(item.metadata.name));
        return pod !== undefined && testCase.reasons.includes(stateOf(pod, testCase.init ?? false).reason);
      });
      return settled ? items : undefined;
    });
    for (const testCase of DEMO_CASES) {
      const pod = all.find((item) => item.metadata.namespace === testCase.namespace && testCase.pod.test(item.metadata.name));
      const state = stateOf(pod as PodJson, testCase.init ?? false);
      expect(testCase.reasons, `${testCase.namespace}/${pod?.metadata.name} (${testCase.verdict})`).toContain(state.reason);
      if (testCase.message) {
        const message = (state.message ?? '').replace(/^Back-off pulling image "(?:[^"\\]|\\.)*": (ErrImagePull|RegistryUnavailable): /, '');
        if (typeof testCase.message === 'string') expect(message, testCase.verdict).toBe(testCase.message);
        else expect(message, testCase.verdict).toMatch(testCase.message);
      }
    }
  }, 60_000);

  it('records the kubelet events each case calls for, aggregated, on the pod and container', async () => {
    for (const testCase of DEMO_CASES.filter((candidate) => candidate.events)) {
      const items = await pods(testCase.namespace);
      const pod = items.find((item) => testCase.pod.test(item.metadata.name)) as PodJson;
      const own = (await events(testCase.namespace)).filter((event) => event.involvedObject.uid === pod.metadata.uid);
      for (const expected of testCase.events ?? []) {
        const found = own.find((event) => (typeof expected === 'string' ? event.message === expected : expected.test(event.message)));
        expect(found, `${testCase.verdict}: ${String(expected)} in ${JSON.stringify(own.map((event) => event.message))}`).toBeDefined();
        expect(found?.source.component).toBe('kubelet');
      }
    }
    const davidPod = (await pods('default')).find((item) => item.metadata.name.startsWith('nginx-david-')) as PodJson;
    const pulling = (await events('default')).find((event) => event.involvedObject.uid === davidPod.metadata.uid && event.reason === 'Pulling');
    expect(pulling?.involvedObject.fieldPath).toBe('spec.containers{nginx}');
    expect(pulling?.count).toBeGreaterThan(1);
  }, 60_000);

  it('shows the same in kubectl get pods and describe', async () => {
    const table = await sim.kubectl(['get', 'pods', '-n', 'init']);
    expect(table.stdout).toMatch(/with-init-\S+\s+0\/1\s+Init:(ErrImagePull|ImagePullBackOff)/);
    const describe = await sim.kubectl(['describe', 'pod', '-n', 'default', '-l', 'app=nginx-david']);
    expect(describe.code).toBe(0);
    expect(describe.stdout).toMatch(/Warning\s+Failed\s+.*kubelet\s+Failed to pull image "docker\.io\/davidpuziol\/nginx": /);
  }, 60_000);

  it('refuses the viewer the secrets it may not read, and lets it read pods', async () => {
    const secrets = await sim.kubectl(['get', 'secrets', '-n', 'default'], { context: 'sim-viewer' });
    expect(secrets.code).toBe(1);
    expect(secrets.stderr).toContain('Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:pullfix:viewer" cannot list resource "secrets"');
    expect((await sim.kubectl(['get', 'pods', '-A'], { context: 'sim-viewer' })).code).toBe(0);
  }, 60_000);

  it('reports a rollout whose pods cannot pull as exceeding its progress deadline', async () => {
    const exceeded = await sim.kubectl(['rollout', 'status', 'deployment/api', '-n', 'team-missing'], { timeoutMs: 30_000 });
    expect(exceeded.code).toBe(1);
    expect(exceeded.stderr).toContain('error: deployment "api" exceeded its progress deadline');
  }, 60_000);

  it('fixes the seed tutorial with kubectl alone; wrong credentials fail with the unauthorized message first', async () => {
    const wrong = await sim.kubectl(['create', 'secret', 'docker-registry', 'david-wrong', '--docker-username=davidpuziol', '--docker-password=not-the-password']);
    expect(wrong.stdout.trim()).toBe('secret/david-wrong created');
    const patchWrong = await sim.kubectl(['patch', 'deployment', 'nginx-david', '-p', '{"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"david-wrong"}]}}}}']);
    expect(patchWrong.stdout.trim()).toBe('deployment.apps/nginx-david patched');
    const failing = await until('a pod with david-wrong to fail', async () => {
      const pod = (await pods('default')).find((item) => item.spec.imagePullSecrets?.some((secret) => secret.name === 'david-wrong'));
      const message = pod?.status.containerStatuses?.[0]?.state.waiting?.message;
      return message && /401 Unauthorized/.test(message) ? message : undefined;
    });
    expect(failing).toMatch(/failed to authorize: failed to fetch oauth token: unexpected status from GET request to .*: 401 Unauthorized/);
    const stuck = await sim.kubectl(['rollout', 'status', 'deployment/nginx-david', '--timeout=1s']);
    expect(stuck.code).toBe(1);
    expect(stuck.stdout).toContain('Waiting for deployment "nginx-david" rollout to finish: 1 old replicas are pending termination...');
    expect(stuck.stderr).toContain('error: timed out waiting for the condition');

    const right = await sim.kubectl(['create', 'secret', 'docker-registry', 'david-creds', '--docker-username=davidpuziol', '--docker-password=Dav1d-pull-2024']);
    expect(right.code).toBe(0);
    const patch = await sim.kubectl(['patch', 'deployment', 'nginx-david', '-p', '{"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"david-creds"}]}}}}']);
    expect(patch.stdout.trim()).toBe('deployment.apps/nginx-david patched');
    const rollout = await sim.kubectl(['rollout', 'status', 'deployment/nginx-david', '--timeout=30s']);
    expect(rollout.stdout).toContain('deployment "nginx-david" successfully rolled out');
    expect(rollout.code).toBe(0);
    const running = (await pods('default')).filter((item) => item.metadata.name.startsWith('nginx-david-'));
    expect(running).toHaveLength(1);
    // Strategic merge merges imagePullSecrets by name: the wrong secret stays, and is tried first.
    expect(running[0]?.spec.imagePullSecrets).toEqual([{ name: 'david-wrong' }, { name: 'david-creds' }]);
    expect(running[0]?.status.phase).toBe('Running');
  }, 90_000);

  it('picks up the service account\'s secret only in pods created after a restart', async () => {
    const restart = await sim.kubectl(['rollout', 'restart', 'deployment/web', '-n', 'team-sa']);
    expect(restart.stdout.trim()).toBe('deployment.apps/web restarted');
    const rollout = await sim.kubectl(['rollout', 'status', 'deployment/web', '-n', 'team-sa', '--timeout=30s']);
    expect(rollout.stdout).toContain('deployment "web" successfully rolled out');
    const [pod] = await pods('team-sa');
    expect(pod?.spec.imagePullSecrets).toEqual([{ name: 'team-creds' }]);
  }, 60_000);

  it('runs a job created by hand from the CronJob, owned by it, with the CronJob\'s pull failure', async () => {
    // kubectl's typed `create job` posts a protobuf Job, which the simulator does not decode (it decodes the
    // Secret and SelfSubjectAccessReview envelopes kubectl sends); the same Job goes through `create -f` as JSON.
    const manifest = await sim.kubectl(['create', 'job', 'report-now', '--from=cronjob/nightly-report', '-n', 'batch', '--dry-run=client', '-o', 'json']);
    expect(manifest.code).toBe(0);
    const manifestPath = path.join(await mkdtemp(path.join(tmpdir(), 'pullfix-job-')), 'job.json');
    await writeFile(manifestPath, manifest.stdout);
    const created = await sim.kubectl(['create', '-f', manifestPath]);
    expect(created.stderr).toBe('');
    expect(created.stdout.trim()).toBe('job.batch/report-now created');
    const job = JSON.parse((await sim.kubectl(['get', 'job', 'report-now', '-n', 'batch', '-o', 'json'])).stdout) as PodJson;
    expect(job.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'nightly-report' });
    const message = await until('the job pod to fail its pull', async () => {
      const pod = (await pods('batch')).find((item) => item.metadata.name.startsWith('report-now-'));
      const state = pod?.status.containerStatuses?.[0]?.state.waiting;
      return state && PULL_FAILURES.includes(state.reason) ? state.message : undefined;
    });
    expect(message).toMatch(/"ghcr\.io\/acme\/report:1\.0": pull access denied/);
  }, 60_000);
});

describe('start-up time', () => {
  it('starts the demo in under 3 seconds', async () => {
    // `node --import tsx` is what `npm run sim` (tsx sim/main.ts) runs, minus tsx's relay process, so /proc
    // shows the simulator's own CPU time; wall-clock time also counts whatever else loads the machine.
    const demo = await startSim([process.execPath, '--import', 'tsx'], ['--scenario', 'demo']);
    try {
      const cpuMs = cpuMilliseconds(demo.process.pid ?? 0);
      const contention = Math.max(1, (loadavg()[0] ?? 0) / cpus().length);
      console.info(`demo ready after ${demo.startupMs} ms wall-clock, ${cpuMs} ms CPU, load ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`);
      expect(cpuMs).toBeLessThan(3000);
      expect(demo.startupMs).toBeLessThan(3000 * contention);
    } finally {
      expect(await demo.stop()).toBe(0);
    }
  }, 60_000);

  it('starts the scale scenario with 10,000 pods in seconds and serves them all', async () => {
    const scale = await startSim([process.execPath, '--import', 'tsx'], ['--scenario', 'scale', '--namespaces', '100', '--pods', '10000', '--failing-ratio', '0.1'], 120_000);
    try {
      const cpuMs = cpuMilliseconds(scale.process.pid ?? 0);
      console.info(`scale (10,000 pods) ready after ${scale.startupMs} ms wall-clock, ${cpuMs} ms CPU`);
      expect(cpuMs).toBeLessThan(15_000);
      const listed = await scale.kubectl(['get', 'pods', '-A', '--no-headers'], { timeoutMs: 120_000 });
      const lines = listed.stdout.trim().split('\n');
      expect(lines).toHaveLength(10_000);
      expect(lines.filter((line) => /\s(ImagePullBackOff|ErrImagePull)\s/.test(line))).toHaveLength(1000);
    } finally {
      expect(await scale.stop()).toBe(0);
    }
  }, 240_000);
});

describe('a restart on the same port', () => {
  it('is the same cluster to the kubeconfig the first run wrote', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'pullfix-restart-'));
    const node = [process.execPath, '--import', 'tsx'];
    try {
      const port = await freeLoopbackPort();
      const first = await startSim(node, ['--scenario', 'demo'], 60_000, { directory, port });
      const firstKubeconfig = path.join(directory, 'first-kubeconfig');
      copyFileSync(first.kubeconfig, firstKubeconfig);
      expect((await first.kubectl(['get', 'namespace', 'team-missing'])).code).toBe(0);
      expect(await first.stop()).toBe(0);
      expect(statSync(path.join(directory, 'sim-state.json')).mode & 0o777).toBe(0o600);

      const second = await startSim(node, ['--scenario', 'demo'], 60_000, { directory, port });
      try {
        expect(second.url).toBe(first.url);
        // kubectl verifies the server against the first run's CA and sends the first run's tokens.
        const admin = await kubectlWith(firstKubeconfig, ['get', 'namespace', 'team-missing', '-o', 'name']);
        expect(admin).toEqual({ code: 0, stdout: 'namespace/team-missing\n', stderr: '' });
        const viewer = await kubectlWith(firstKubeconfig, ['--context', 'sim-viewer', 'get', 'secrets', '-n', 'default']);
        expect(viewer.stderr).toContain('User "system:serviceaccount:pullfix:viewer" cannot list resource "secrets"');
      } finally {
        expect(await second.stop()).toBe(0);
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 120_000);
});

function kubectlWith(kubeconfig: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cacheDir = path.join(path.dirname(kubeconfig), 'first-kube-cache');
  return new Promise((resolve) => {
    execFile('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}
