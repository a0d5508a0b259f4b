import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../test/support/wait';
import { startTestCluster, type TestCluster } from './testing';

// The real kubectl (the gcloud dispatcher picks kubectl 1.32 from the server's /version) against the simulator.

interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

const kubectlSecretCases = JSON.parse(readFileSync(join(__dirname, '../../test/fixtures/kubectl-secret.json'), 'utf8')) as {
  cases: { server: string; username: string; password: string; email: string | null; dockerconfigjson: string; source: string }[];
};

let cluster: TestCluster;
let cacheDir: string;

interface KubectlOptions {
  kubeconfig?: string;
  input?: string;
  cacheDir?: string;
  signal?: AbortSignal;
  /** Sees stdout as kubectl writes it, for commands that keep running (`-w`). */
  onStdout?: (chunk: string) => void;
}

function kubectl(args: string[], options: KubectlOptions = {}): Promise<KubectlResult> {
  const cache = options.cacheDir ?? cacheDir;
  return new Promise((resolve, reject) => {
    const child = execFile(
      'kubectl',
      [`--kubeconfig=${options.kubeconfig ?? cluster.kubeconfig}`, `--cache-dir=${cache}`, ...args],
      { env: { ...process.env, HOME: cluster.directory, KUBECACHEDIR: cache }, timeout: 30_000, signal: options.signal },
      (error, stdout, stderr) => {
        if (error && typeof error.code === 'string' && error.code !== 'ABORT_ERR') {
          reject(new Error(`kubectl could not run (${error.code}): is /usr/bin/kubectl installed? ${error.message}`));
          return;
        }
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
    if (options.onStdout) child.stdout?.on('data', (chunk: Buffer | string) => options.onStdout?.(String(chunk)));
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

beforeAll(async () => {
  cluster = await startTestCluster();
  cacheDir = mkdtempSync(join(cluster.directory, 'cache-'));
});

afterAll(async () => {
  await cluster?.close();
});

describe('kubectl get and describe', () => {
  it('get pods -A prints the waiting reasons in STATUS and the namespace of every row', async () => {
    const result = await kubectl(['get', 'pods', '-A']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(lines).toContainEqual(expect.stringMatching(/^default\s+web-7d4b9c-x2x9k\s+0\/1\s+ImagePullBackOff\s+0\s+\d+s$/));
    expect(lines).toContainEqual(expect.stringMatching(/^default\s+init-fails\s+0\/1\s+Init:ErrImagePull\s+0\s/));
    expect(lines).toContainEqual(expect.stringMatching(/^team-a\s+nginx-public\s+1\/1\s+Running\s+2\s/));
  });

  it('with a cold cache, get pods -A costs four requests thanks to aggregated discovery', async () => {
    const before = cluster.requestLog.length;
    const result = await kubectl(['get', 'pods', '-A'], { cacheDir: mkdtempSync(join(cluster.directory, 'cold-')) });
    expect(result.code).toBe(0);
    const paths = cluster.requestLog.slice(before).map((entry) => `${entry.method} ${entry.path.split('?')[0]} ${entry.status}`);
    expect(paths.sort()).toEqual(['GET /api 200', 'GET /api/v1/pods 200', 'GET /apis 200', 'GET /version 200']);
  });

  it('describe pod shows the container state and the events found by the pod uid', async () => {
    const result = await kubectl(['describe', 'pod', 'web-7d4b9c-x2x9k', '-n', 'default']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Reason:\s+ImagePullBackOff/);
    expect(result.stdout).toMatch(/Warning\s+Failed\s+\S+ \(x4 over 10m\)\s+kubelet\s+Failed to pull image "docker.io\/davidpuziol\/nginx:1.0"/);
    expect(result.stdout).not.toContain('Events:  <none>');
  });

  it('get events --field-selector involvedObject.name lists only that object', async () => {
    const result = await kubectl(['get', 'events', '-n', 'default', '--field-selector', 'involvedObject.name=web-7d4b9c-x2x9k']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/Warning\s+Failed\s+pod\/web-7d4b9c-x2x9k\s+Failed to pull image/);
  });

  it('get pods -w prints one header, then a row per change from the Table watch', async () => {
    const stop = new AbortController();
    const before = cluster.requestLog.length;
    let printed = '';
    const watching = kubectl(['get', 'pods', '-n', 'default', '-w'], { signal: stop.signal, onStdout: (chunk) => (printed += chunk) });
    // The server logs a watch once it is subscribed to the store: a change made after that reaches kubectl.
    await waitUntil(() => cluster.requestLog.slice(before).some((entry) => entry.path.startsWith('/api/v1/namespaces/default/pods?') && entry.path.includes('watch=true')), { what: 'the watch request' });
    const pod = structuredClone(cluster.store.get('pods', 'default', 'init-fails')!);
    const status = pod.status as { initContainerStatuses: { state: unknown }[] };
    status.initContainerStatuses[0]!.state = { waiting: { reason: 'ImagePullBackOff' } };
    cluster.store.update('pods', pod);
    await waitUntil(() => /^init-fails\s+\S+\s+Init:ImagePullBackOff\s/m.test(printed), { what: 'the row kubectl prints for the change' });
    stop.abort();
    const result = await watching;
    const lines = result.stdout.trim().split('\n');
    expect(lines.filter((line) => line.startsWith('NAME'))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^init-fails\s+0\/1\s+Init:ImagePullBackOff\s+0\s/);
  });

  it('an unsupported field selector gets the real 400', async () => {
    const result = await kubectl(['get', 'pods', '--field-selector', 'spec.image=nginx']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "spec.image=nginx": field label not supported: spec.image',
    );
  });
});

describe('kubectl create secret docker-registry (protobuf request bodies)', () => {
  it.each(kubectlSecretCases.cases.map((testCase, index) => ({ ...testCase, index })))(
    'stores the exact .dockerconfigjson kubectl writes: $source',
    async ({ server, username, password, email, dockerconfigjson, index }) => {
      const name = `vector-${index}`;
      const args = ['create', 'secret', 'docker-registry', name, `--docker-server=${server}`, `--docker-username=${username}`, `--docker-password=${password}`];
      if (email) args.push(`--docker-email=${email}`);
      const result = await kubectl(args);
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe(`secret/${name} created`);
      const stored = cluster.store.get('secrets', 'default', name)!;
      expect(stored.type).toBe('kubernetes.io/dockerconfigjson');
      expect(Buffer.from((stored.data as Record<string, string>)['.dockerconfigjson']!, 'base64').toString('utf8')).toBe(dockerconfigjson);
    },
  );

  it('a second create answers AlreadyExists, and a server dry run stores nothing', async () => {
    const args = ['create', 'secret', 'docker-registry', 'regcred', '--docker-server=registry.example.com', '--docker-username=bob', '--docker-password=s3cret'];
    expect((await kubectl(args)).code).toBe(0);
    const again = await kubectl(args);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('error: failed to create secret secrets "regcred" already exists');
    const dryRun = await kubectl([...args.slice(0, 3), 'dry-run-secret', ...args.slice(4), '--dry-run=server']);
    expect(dryRun.stdout.trim()).toBe('secret/dry-run-secret created (server dry run)');
    expect(cluster.store.get('secrets', 'default', 'dry-run-secret')).toBeUndefined();
  });

  it('get secret -o yaml shows data and no stringData', async () => {
    const result = await kubectl(['get', 'secret', 'regcred', '-o', 'yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('type: kubernetes.io/dockerconfigjson');
    expect(result.stdout).toContain(`.dockerconfigjson: ${Buffer.from('{"auths":{"registry.example.com":{"username":"bob","password":"s3cret","auth":"Ym9iOnMzY3JldA=="}}}').toString('base64')}`);
    expect(result.stdout).toMatch(/resourceVersion: "\d+"/);
    const missing = await kubectl(['get', 'secret', 'nope', '-o', 'yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): secrets "nope" not found');
  });
});

describe('kubectl patch', () => {
  it('a strategic merge patch adds a pull secret to the deployment template and keeps the existing one', async () => {
    const before = cluster.store.get('deployments', 'default', 'web')!;
    const patch = '{"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"regcred"}]}}}}';
    const result = await kubectl(['patch', 'deployment', 'web', '-p', patch]);
    expect(result.stdout.trim()).toBe('deployment.apps/web patched');
    const after = cluster.store.get('deployments', 'default', 'web')!;
    const template = (after.spec as { template: { spec: { imagePullSecrets: unknown } } }).template;
    expect(template.spec.imagePullSecrets).toEqual([{ name: 'existing' }, { name: 'regcred' }]);
    expect(after.metadata.generation).toBe((before.metadata.generation ?? 1) + 1);

    const again = await kubectl(['patch', 'deployment', 'web', '-p', patch]);
    expect(again.stdout.trim()).toBe('deployment.apps/web patched (no change)');
    expect(cluster.store.get('deployments', 'default', 'web')!.metadata.resourceVersion).toBe(after.metadata.resourceVersion);
  });

  it('a merge patch (--type=merge) replaces the list and a JSON patch appends to it', async () => {
    const merge = await kubectl(['patch', 'deployment', 'web', '--type=merge', '-p', '{"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"only"}]}}}}']);
    expect(merge.code).toBe(0);
    const json = await kubectl(['patch', 'deployment', 'web', '--type=json', '-p', '[{"op":"add","path":"/spec/template/spec/imagePullSecrets/-","value":{"name":"appended"}}]']);
    expect(json.code).toBe(0);
    const template = (cluster.store.get('deployments', 'default', 'web')!.spec as { template: { spec: { imagePullSecrets: unknown } } }).template;
    expect(template.spec.imagePullSecrets).toEqual([{ name: 'only' }, { name: 'appended' }]);
  });

  it('a strategic merge patch replaces a service account imagePullSecrets list (atomic)', async () => {
    const result = await kubectl(['patch', 'serviceaccount', 'default', '-p', '{"imagePullSecrets":[{"name":"regcred"}]}']);
    expect(result.stdout.trim()).toBe('serviceaccount/default patched');
    expect(cluster.store.get('serviceaccounts', 'default', 'default')!.imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });

  it('patching a pod imagePullSecrets fails with the real 422 line', async () => {
    const result = await kubectl(['patch', 'pod', 'web-7d4b9c-x2x9k', '-p', '{"spec":{"imagePullSecrets":[{"name":"regcred"}]}}']);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe(
      'The Pod "web-7d4b9c-x2x9k" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    );
  });

  it('patching a Job\'s pod template fails with the real 422 line, dry run or not', async () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'busybox:1.36' }] } } } };
    expect((await kubectl(['create', '-f', '-'], { input: JSON.stringify(job) })).stdout.trim()).toBe('job.batch/migrate created');
    const patch = ['patch', 'job', 'migrate', '-p', '{"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"regcred"}]}}}}'];
    for (const args of [[...patch, '--dry-run=server'], patch]) {
      const result = await kubectl(args);
      expect(result.code).toBe(1);
      const line = result.stderr.split('\n')[0]!;
      expect(line.startsWith('The Job "migrate" is invalid: spec.template: Invalid value: core.PodTemplateSpec{')).toBe(true);
      expect(line).toContain('"imagePullSecrets":[{"name":"regcred"}]');
      expect(line.endsWith('}: field is immutable')).toBe(true);
    }
    const template = (cluster.store.get('jobs', 'default', 'migrate')!.spec as { template: { spec: Record<string, unknown> } }).template;
    expect(template.spec.imagePullSecrets).toBeUndefined();
  });

  it('patching a pod image is allowed', async () => {
    const result = await kubectl(['patch', 'pod', 'web-7d4b9c-x2x9k', '-p', '{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}']);
    expect(result.stdout.trim()).toBe('pod/web-7d4b9c-x2x9k patched');
  });
});

describe('kubectl rollout status (list, then watch by field selector)', () => {
  it('waits on the watch until the deployment reports its replicas available', async () => {
    const before = cluster.requestLog.length;
    const rollout = kubectl(['rollout', 'status', 'deployment/web', '--timeout=20s']);
    const isDeploymentWatch = (path: string) => path.startsWith('/apis/apps/v1/namespaces/default/deployments?') && path.includes('watch=true');
    await waitUntil(() => cluster.requestLog.slice(before).some((entry) => isDeploymentWatch(entry.path)), { what: 'the deployment watch' });
    const deployment = cluster.store.get('deployments', 'default', 'web')!;
    cluster.store.update('deployments', {
      ...deployment,
      status: { observedGeneration: deployment.metadata.generation, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 },
    });
    const result = await rollout;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('deployment "web" successfully rolled out');
  });
});

describe('kubectl scale (the scale subresource)', () => {
  it('changes spec.replicas through deployments/scale and bumps the generation', async () => {
    const before = cluster.store.get('deployments', 'default', 'web')!;
    const result = await kubectl(['scale', 'deployment', 'web', '--replicas=3']);
    expect(result.stdout.trim()).toBe('deployment.apps/web scaled');
    const after = cluster.store.get('deployments', 'default', 'web')!;
    expect((after.spec as { replicas: number }).replicas).toBe(3);
    expect(after.metadata.generation).toBe((before.metadata.generation ?? 1) + 1);
  });
});

describe('kubectl apply', () => {
  it('creates, configures and leaves unchanged a deployment from a manifest', async () => {
    const manifest = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: default
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: ghcr.io/acme/api:1.2
`;
    const file = join(cluster.directory, 'api.yaml');
    writeFileSync(file, manifest(2));
    const created = await kubectl(['apply', '-f', file]);
    expect(created.stderr).toBe('');
    expect(created.stdout.trim()).toBe('deployment.apps/api created');
    writeFileSync(file, manifest(3));
    expect((await kubectl(['apply', '-f', file])).stdout.trim()).toBe('deployment.apps/api configured');
    expect((await kubectl(['apply', '-f', file])).stdout.trim()).toBe('deployment.apps/api unchanged');
    const stored = cluster.store.get('deployments', 'default', 'api')!;
    expect((stored.spec as { replicas: number }).replicas).toBe(3);
    expect(stored.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('"replicas":3');
  });
});

describe('kubectl auth and access control', () => {
  it('auth can-i answers yes for the admin and no for the viewer, with matching exit codes', async () => {
    const admin = await kubectl(['auth', 'can-i', 'patch', 'deployments', '-n', 'default']);
    expect([admin.stdout.trim(), admin.code]).toEqual(['yes', 0]);
    const viewer = await kubectl(['--context', 'sim-viewer', 'auth', 'can-i', 'patch', 'deployments', '-n', 'default']);
    expect([viewer.stdout.trim(), viewer.code]).toEqual(['no', 1]);
    const viewerReads = await kubectl(['--context', 'sim-viewer', 'auth', 'can-i', 'list', 'pods', '-n', 'default']);
    expect([viewerReads.stdout.trim(), viewerReads.code]).toEqual(['yes', 0]);
  });

  it('auth can-i on non-resource URLs answers from the discovery rules', async () => {
    const discovery = await kubectl(['--context', 'sim-viewer', 'auth', 'can-i', 'get', '/version']);
    expect([discovery.stdout.trim(), discovery.code]).toEqual(['yes', 0]);
    const metrics = await kubectl(['--context', 'sim-viewer', 'auth', 'can-i', 'get', '/metrics']);
    expect([metrics.stdout.trim(), metrics.code]).toEqual(['no', 1]);
  });

  it('the viewer is forbidden to read secrets, with the real message', async () => {
    const result = await kubectl(['--context', 'sim-viewer', 'get', 'secret', 'regcred']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Error from server (Forbidden): secrets "regcred" is forbidden: User "system:serviceaccount:default:viewer" cannot get resource "secrets" in API group "" in the namespace "default"',
    );
  });

  it('a bad token is told to log in', async () => {
    const badConfig = join(cluster.directory, 'bad-kubeconfig');
    writeFileSync(badConfig, readFileSync(cluster.kubeconfig, 'utf8').replace(/token: .*/g, 'token: not-a-token'));
    const result = await kubectl(['get', 'pods'], { kubeconfig: badConfig });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: You must be logged in to the server \((Unauthorized|the server has asked for the client to provide credentials)\)/);
    expect(cluster.requestLog.some((entry) => entry.status === 401 && entry.user === null)).toBe(true);
  });
});
