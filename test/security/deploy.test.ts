import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { generateServingCertificate, type KubeObject, ObjectStore, type RunningApiServer, type SimUser, startApiServer, writeKubeconfig } from '../../sim/testing';
import { kubectl, type KubectlResult } from './kubectl';

/**
 * The deploy/ manifests against the simulator, as the real kubectl sends them: each overlay is applied with a
 * server-side dry run, then for real to a fresh simulator, and the ServiceAccount's RBAC, which the simulator
 * evaluates from the applied Roles and bindings, is checked with `kubectl auth can-i --as` the account. Every call
 * the features make must be allowed; everything else listed must be denied.
 */

const ROOT = resolve(__dirname, '../..');
const SERVICE_ACCOUNT = 'system:serviceaccount:pullfix:pullfix';
const ADMIN: SimUser = { name: 'admin', username: 'admin', token: 'deploy-admin-token', rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] };
const OVERLAYS = ['cluster-secrets', 'namespaced-secrets'];
/** The namespaces the cluster has before pullfix is deployed: `shop` is the one the namespaced overlay grants. */
const EXISTING_NAMESPACES = ['shop', 'default'];

/** The fields of the rendered pod spec the lock-down checks read. */
interface PodSpec {
  serviceAccountName: string;
  securityContext: { runAsNonRoot?: boolean };
  containers: {
    securityContext: Record<string, unknown>;
    resources: { limits: Record<string, string> };
    readinessProbe: { httpGet: { path: string } };
    livenessProbe: { httpGet: { path: string } };
    env: unknown[];
    volumeMounts: { mountPath: string }[];
  }[];
}

interface Simulator {
  store: ObjectStore;
  server: RunningApiServer;
  kubeconfig: string;
}

interface Overlay {
  name: string;
  directory: string;
  manifests: KubeObject[];
  /** A simulator the overlay was applied to for real, and what `kubectl apply` answered. */
  deployed: Simulator;
  applied: KubectlResult;
}

let home: string;
const simulators: Simulator[] = [];
const overlays = new Map<string, Overlay>();

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'pullfix-deploy-'));
  for (const name of OVERLAYS) {
    const directory = join(ROOT, 'deploy/overlays', name);
    const rendered = await kubectl(['kustomize', directory], { home });
    expect(rendered.stderr).toBe('');
    const manifests = parseAllDocuments(rendered.stdout).map((document) => document.toJS() as KubeObject);
    const deployed = await startSimulator(`${name}-deployed`, EXISTING_NAMESPACES);
    const applied = await kubectl([`--kubeconfig=${deployed.kubeconfig}`, 'apply', '-k', directory], { home });
    overlays.set(name, { name, directory, manifests, deployed, applied });
  }
});

afterAll(async () => {
  for (const simulator of simulators) await simulator.server.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** A fresh simulated cluster with only `namespaces`, and an admin kubeconfig for it. */
async function startSimulator(name: string, namespaces: string[]): Promise<Simulator> {
  const store = new ObjectStore();
  for (const namespace of namespaces) {
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace }, status: { phase: 'Active' } });
  }
  const tls = generateServingCertificate();
  const server = await startApiServer({ store, users: [ADMIN], port: 0, admit: (_resource, object) => object, tls });
  const kubeconfig = join(home, `${name}.kubeconfig`);
  writeKubeconfig(kubeconfig, server.url, tls.caPem, [ADMIN], 'default');
  const simulator = { store, server, kubeconfig };
  simulators.push(simulator);
  return simulator;
}

function overlay(name: string): Overlay {
  const found = overlays.get(name);
  if (!found) throw new Error(`overlay ${name} was not rendered`);
  return found;
}

/** `kind/name` as `kubectl apply` prints it, e.g. `clusterrole.rbac.authorization.k8s.io/pullfix`. */
function appliedName(manifest: KubeObject): string {
  const group = manifest.apiVersion.includes('/') ? manifest.apiVersion.split('/')[0] : '';
  const kind = manifest.kind.toLowerCase();
  return `${group ? `${kind}.${group}` : kind}/${manifest.metadata.name}`;
}

describe('deploy manifests', () => {
  it.each(OVERLAYS)('%s: the workload is locked down', (name) => {
    const deployment = overlay(name).manifests.find((m) => m.kind === 'Deployment') as unknown as { spec: { template: { spec: PodSpec } } };
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0]!;
    expect(pod.serviceAccountName).toBe('pullfix');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.readinessProbe.httpGet.path).toBe('/api/health');
    expect(container.livenessProbe.httpGet.path).toBe('/api/health');
    expect(container.env).toContainEqual({
      name: 'PULLFIX_ACCESS_TOKEN',
      valueFrom: { secretKeyRef: { name: 'pullfix-access-token', key: 'token' } },
    });
    // The names a port-forward and the Service reach it by: accepted only because the token guards them.
    expect(container.env).toContainEqual({ name: 'PULLFIX_ALLOWED_HOSTS', value: expect.stringMatching(/^localhost:8080,127\.0\.0\.1:8080,pullfix\.pullfix\.svc/) });
    const mounts = container.volumeMounts.map((mount) => mount.mountPath);
    expect(mounts).toEqual(expect.arrayContaining(['/tmp', '/app/.next/cache']));
    const service = overlay(name).manifests.find((m) => m.kind === 'Service') as unknown as { spec: { selector: Record<string, string> } };
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'pullfix' });
  });

  it.each(OVERLAYS)('%s: a server-side dry run accepts every document and stores nothing', async (name) => {
    const { directory, manifests } = overlay(name);
    // The namespace exists already, so the objects in it can be checked: a dry run does not create it for them.
    const simulator = await startSimulator(`${name}-dry-run`, ['pullfix', ...EXISTING_NAMESPACES]);
    const result = await kubectl([`--kubeconfig=${simulator.kubeconfig}`, 'apply', '--dry-run=server', '-k', directory], { home });
    expect(result.stderr.replace(/^Warning: resource namespaces\/pullfix is missing .*$/m, '').trim()).toBe('');
    expect(result.code).toBe(0);
    const expected = manifests.map((m) => `${appliedName(m)} ${m.kind === 'Namespace' ? 'configured' : 'created'} (server dry run)`);
    expect(result.stdout.trim().split('\n').sort()).toEqual(expected.sort());
    for (const resource of ['serviceaccounts', 'clusterroles', 'clusterrolebindings', 'rolebindings', 'services', 'deployments']) {
      expect(simulator.store.count(resource), resource).toBe(0);
    }
  });

  it.each(OVERLAYS)('%s: applies every document for real', (name) => {
    const { manifests, applied, deployed } = overlay(name);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout.trim().split('\n').sort()).toEqual(manifests.map((m) => `${appliedName(m)} created`).sort());
    expect(manifests.map((m) => m.kind)).toEqual(expect.arrayContaining(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Deployment', 'Service']));
    const binding = deployed.store.get('clusterrolebindings', undefined, 'pullfix');
    expect(binding?.subjects).toEqual([{ kind: 'ServiceAccount', name: 'pullfix', namespace: 'pullfix' }]);
    expect(deployed.store.get('services', 'pullfix', 'pullfix')).toBeDefined();
  });
});

/** [verb, resource, namespace or '' for cluster scope]: what the diagnosis and the fixes call. */
const FEATURES: [string, string, string][] = [
  ...['get', 'list'].flatMap((verb) =>
    ['pods', 'events', 'serviceaccounts', 'deployments.apps', 'replicasets.apps', 'statefulsets.apps', 'daemonsets.apps', 'jobs.batch', 'cronjobs.batch'].map(
      (resource): [string, string, string] => [verb, resource, ''],
    ),
  ),
  // What the live cache lists and watches across the cluster (secrets come from the overlay).
  ...['pods', 'events', 'serviceaccounts', 'replicasets.apps', 'jobs.batch'].map((resource): [string, string, string] => ['watch', resource, '']),
  ['list', 'namespaces', ''],
  // Nodes: the platform of a pod's node, and each node's kubelet version and images (KEP-2535), watched by the cache.
  ...['get', 'list', 'watch'].map((verb): [string, string, string] => [verb, 'nodes', '']),
  ...['deployments.apps', 'replicasets.apps', 'statefulsets.apps', 'daemonsets.apps', 'jobs.batch', 'cronjobs.batch'].map(
    (resource): [string, string, string] => ['patch', resource, 'default'],
  ),
  ['update', 'serviceaccounts', 'default'],
  ['patch', 'serviceaccounts', 'default'],
  ['create', 'pods', 'default'],
  ['delete', 'pods', 'default'],
  ['patch', 'pods', 'default'],
];

/** Beyond what any feature needs. */
const NEVER: [string, string, string][] = [
  // The cache watches only what the diagnosis reads per pod: workloads above the ReplicaSet or Job are read when needed.
  ...['deployments.apps', 'statefulsets.apps', 'daemonsets.apps', 'cronjobs.batch', 'namespaces'].map((resource): [string, string, string] => ['watch', resource, '']),
  ['delete', 'deployments.apps', 'default'],
  ['create', 'deployments.apps', 'default'],
  ['update', 'deployments.apps', 'default'],
  ['patch', 'secrets', 'shop'],
  ['create', 'serviceaccounts', 'default'],
  ['delete', 'serviceaccounts', 'default'],
  ['patch', 'nodes', ''],
  ['delete', 'namespaces', ''],
  ['create', 'namespaces', ''],
  ['create', 'pods/exec', 'default'],
  ['get', 'pods/log', 'default'],
  ['list', 'configmaps', 'default'],
  ['create', 'clusterroles.rbac.authorization.k8s.io', ''],
  ['create', 'rolebindings.rbac.authorization.k8s.io', 'default'],
  ['delete', 'events', 'default'],
  ['create', 'clusterrolebindings.rbac.authorization.k8s.io', ''],
  ['escalate', 'clusterroles.rbac.authorization.k8s.io', ''],
  ['bind', 'clusterroles.rbac.authorization.k8s.io', ''],
  ['impersonate', 'users', ''],
  ['impersonate', 'serviceaccounts', 'default'],
  ['impersonate', 'groups', ''],
  ['create', 'pods/portforward', 'default'],
  ['create', 'serviceaccounts/token', 'default'],
  ['delete', 'services', 'pullfix'],
];

// watch: the cache watches the two pull-secret types; delete: a fix whose attach step fails deletes the secret it created.
const SECRETS = ['get', 'list', 'watch', 'create', 'update', 'delete'];

async function canI(overlayName: string, [verb, resource, namespace]: [string, string, string]): Promise<boolean> {
  const { kubeconfig } = overlay(overlayName).deployed;
  const scope = namespace ? ['-n', namespace] : ['--all-namespaces'];
  // kubectl reads 'pods/exec' as TYPE/NAME; a subresource goes in its own flag.
  const [type = resource, subresource] = resource.split('/');
  const target = subresource ? [type, `--subresource=${subresource}`] : [type];
  const result = await kubectl([`--kubeconfig=${kubeconfig}`, 'auth', 'can-i', `--as=${SERVICE_ACCOUNT}`, verb, ...target, ...scope], { home });
  const answer = result.stdout.trim();
  if (answer !== 'yes' && answer !== 'no') throw new Error(`kubectl auth can-i ${verb} ${resource} answered: ${result.stdout}${result.stderr}`);
  return answer === 'yes';
}

/**
 * Each check is one kubectl process, and a loaded 2-core machine takes a second or more to start one: the
 * tests that run a list of checks get a budget per check rather than one fixed timeout for the whole list.
 */
const KUBECTL_CHECK_BUDGET_MS = 3_000;

describe.each(OVERLAYS)('RBAC of the pullfix ServiceAccount (%s)', (name) => {
  it('allows every call the features make', async () => {
    const denied: string[] = [];
    for (const check of FEATURES) if (!(await canI(name, check))) denied.push(check.join(' '));
    expect(denied).toEqual([]);
  }, FEATURES.length * KUBECTL_CHECK_BUDGET_MS);

  it('denies everything beyond them', async () => {
    const allowed: string[] = [];
    for (const check of NEVER) if (await canI(name, check)) allowed.push(check.join(' '));
    expect(allowed).toEqual([]);
  }, NEVER.length * KUBECTL_CHECK_BUDGET_MS);

  it('grants secrets exactly where the overlay says', async () => {
    const shop = await Promise.all(SECRETS.map((verb) => canI(name, [verb, 'secrets', 'shop'])));
    const elsewhere = await Promise.all(
      ['default', 'kube-system'].flatMap((namespace) => SECRETS.map((verb) => canI(name, [verb, 'secrets', namespace]))),
    );
    const everywhere = await canI(name, ['list', 'secrets', '']);
    expect(shop).toEqual(SECRETS.map(() => true));
    expect(elsewhere).toEqual([...SECRETS, ...SECRETS].map(() => name === 'cluster-secrets'));
    expect(everywhere).toBe(name === 'cluster-secrets');
  });
});
