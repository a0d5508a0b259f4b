import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { startApiServer } from '../../sim/apiserver';
import type { PolicyRule, RunningApiServer, SimUser } from '../../sim/contracts';
import { writeKubeconfig } from '../../sim/kubeconfig';
import { ObjectStore, type KubeObject } from '../../sim/store';
import { generateServingCertificate } from '../../sim/tls';
import { kubectl } from './kubectl';

/**
 * The deploy/ manifests against the simulator: rendered by kubectl's kustomize, applied with a server-side dry
 * run, and the ServiceAccount's RBAC checked with `kubectl auth can-i` (the simulator has no impersonation, so
 * the account's rules, derived from the rendered Roles and bindings, are given to a user whose token the test
 * holds). Every check the features make must be allowed; everything else listed must be denied.
 */

const ROOT = resolve(__dirname, '../..');
const SERVICE_ACCOUNT = 'system:serviceaccount:pullfix:pullfix';
const ADMIN: SimUser = { name: 'admin', username: 'admin', token: 'deploy-admin-token', rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] };

type Manifest = KubeObject & { rules?: PolicyRule[]; roleRef?: { kind: string; name: string }; subjects?: { kind: string; name: string; namespace?: string }[] };

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

interface Overlay {
  name: string;
  manifests: Manifest[];
  user: SimUser;
  server: RunningApiServer;
  kubeconfig: string;
}

let home: string;
const overlays = new Map<string, Overlay>();

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'pullfix-deploy-'));
  for (const name of ['cluster-secrets', 'namespaced-secrets']) {
    const rendered = await kubectl(['kustomize', join(ROOT, 'deploy/overlays', name)], { home });
    expect(rendered.stderr).toBe('');
    const manifests = parseAllDocuments(rendered.stdout).map((document) => document.toJS() as Manifest);
    const user: SimUser = { name: 'pullfix', username: SERVICE_ACCOUNT, token: `sa-token-${name}`, rules: serviceAccountRules(manifests) };
    const store = new ObjectStore();
    for (const namespace of ['pullfix', 'shop', 'default']) {
      store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace }, status: { phase: 'Active' } });
    }
    const tls = generateServingCertificate();
    const server = await startApiServer({ store, users: [ADMIN, user], port: 0, admit: (_resource, object) => object, tls });
    const kubeconfig = join(home, `${name}.kubeconfig`);
    writeKubeconfig(kubeconfig, server.url, tls.caPem, [ADMIN, user], 'default');
    overlays.set(name, { name, manifests, user, server, kubeconfig });
  }
});

afterAll(async () => {
  for (const overlay of overlays.values()) await overlay.server.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

function overlay(name: string): Overlay {
  const found = overlays.get(name);
  if (!found) throw new Error(`overlay ${name} was not rendered`);
  return found;
}

/** The rules the ServiceAccount ends up with: ClusterRoleBindings cluster-wide, RoleBindings in their namespace. */
function serviceAccountRules(manifests: Manifest[]): PolicyRule[] {
  const roles = new Map(manifests.filter((m) => m.kind === 'ClusterRole' || m.kind === 'Role').map((m) => [`${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`, m]));
  return manifests
    .filter((m) => m.kind === 'ClusterRoleBinding' || m.kind === 'RoleBinding')
    .filter((binding) => binding.subjects?.some((s) => s.kind === 'ServiceAccount' && s.name === 'pullfix' && s.namespace === 'pullfix'))
    .flatMap((binding) => {
      const ref = binding.roleRef!;
      const role = roles.get(`${ref.kind}/${ref.kind === 'Role' ? binding.metadata.namespace : ''}/${ref.name}`);
      if (!role) throw new Error(`${binding.kind} ${binding.metadata.name} refers to ${ref.kind} ${ref.name}, which the manifests do not define`);
      const scope = binding.kind === 'RoleBinding' ? { namespaces: [binding.metadata.namespace!] } : {};
      return (role.rules ?? []).map((rule) => ({ ...rule, ...scope }));
    });
}

describe('deploy manifests', () => {
  it.each(['cluster-secrets', 'namespaced-secrets'])('%s: the workload is locked down', (name) => {
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
    const mounts = container.volumeMounts.map((mount) => mount.mountPath);
    expect(mounts).toEqual(expect.arrayContaining(['/tmp', '/app/.next/cache']));
    const service = overlay(name).manifests.find((m) => m.kind === 'Service') as unknown as { spec: { selector: Record<string, string> } };
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'pullfix' });
  });

  it.each(['cluster-secrets', 'namespaced-secrets'])('%s: a server-side dry run accepts every kind the simulator serves', async (name) => {
    const { manifests, kubeconfig } = overlay(name);
    const served = await kubectl([`--kubeconfig=${kubeconfig}`, 'api-resources', '-o', 'name'], { home });
    expect(served.code).toBe(0);
    const names = new Set(served.stdout.trim().split('\n'));
    const isServed = (m: Manifest) => {
      const group = m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : '';
      const plural = `${m.kind.toLowerCase()}s`;
      return names.has(group ? `${plural}.${group}` : plural);
    };
    const accessToken = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pullfix-access-token', namespace: 'pullfix' }, stringData: { token: 'dry-run-token-0123456789' } };
    const applicable = [...manifests.filter(isServed), accessToken];
    expect(applicable.map((m) => m.kind)).toEqual(expect.arrayContaining(['Namespace', 'ServiceAccount', 'Deployment', 'Secret']));
    const result = await kubectl([`--kubeconfig=${kubeconfig}`, 'apply', '--dry-run=server', '-f', '-'], {
      home,
      input: applicable.map((m) => stringify(m)).join('---\n'),
    });
    // The namespace exists already (so the namespaced objects can be checked); kubectl warns that it was not applied.
    expect(result.stderr.replace(/^Warning: resource namespaces\/pullfix is missing .*$/m, '').trim()).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(applicable.length);
    for (const line of lines) expect(line).toMatch(/ (created|configured|unchanged) \(server dry run\)$/);
    expect(result.stdout).toMatch(/deployment\.apps\/pullfix created \(server dry run\)/);
  });
});

/** [verb, resource, namespace or '' for cluster scope]: what the diagnosis and the fixes call. */
const FEATURES: [string, string, string][] = [
  ...['get', 'list', 'watch'].flatMap((verb) =>
    ['pods', 'events', 'serviceaccounts', 'deployments.apps', 'replicasets.apps', 'statefulsets.apps', 'daemonsets.apps', 'jobs.batch', 'cronjobs.batch'].map(
      (resource): [string, string, string] => [verb, resource, ''],
    ),
  ),
  ['list', 'namespaces', ''],
  ['get', 'nodes', ''],
  ...['deployments.apps', 'replicasets.apps', 'statefulsets.apps', 'daemonsets.apps', 'jobs.batch', 'cronjobs.batch'].map(
    (resource): [string, string, string] => ['patch', resource, 'default'],
  ),
  ['update', 'serviceaccounts', 'default'],
  ['create', 'pods', 'default'],
  ['delete', 'pods', 'default'],
  ['patch', 'pods', 'default'],
];

/** Beyond what any feature needs. */
const NEVER: [string, string, string][] = [
  ['delete', 'deployments.apps', 'default'],
  ['create', 'deployments.apps', 'default'],
  ['update', 'deployments.apps', 'default'],
  ['delete', 'secrets', 'shop'],
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
];

const SECRETS = ['get', 'list', 'create', 'update'];

async function canI(overlayName: string, [verb, resource, namespace]: [string, string, string]): Promise<boolean> {
  const { kubeconfig } = overlay(overlayName);
  const scope = namespace ? ['-n', namespace] : ['--all-namespaces'];
  // kubectl reads 'pods/exec' as TYPE/NAME; a subresource goes in its own flag.
  const [type = resource, subresource] = resource.split('/');
  const target = subresource ? [type, `--subresource=${subresource}`] : [type];
  const result = await kubectl([`--kubeconfig=${kubeconfig}`, '--context=pullfix', 'auth', 'can-i', verb, ...target, ...scope], { home });
  const answer = result.stdout.trim();
  if (answer !== 'yes' && answer !== 'no') throw new Error(`kubectl auth can-i ${verb} ${resource} answered: ${result.stdout}${result.stderr}`);
  return answer === 'yes';
}

describe.each(['cluster-secrets', 'namespaced-secrets'])('RBAC of the pullfix ServiceAccount (%s)', (name) => {
  it('allows every call the features make', async () => {
    const denied: string[] = [];
    for (const check of FEATURES) if (!(await canI(name, check))) denied.push(check.join(' '));
    expect(denied).toEqual([]);
  });

  it('denies everything beyond them', async () => {
    const allowed: string[] = [];
    for (const check of NEVER) if (await canI(name, check)) allowed.push(check.join(' '));
    expect(allowed).toEqual([]);
  });

  it('grants secrets exactly where the overlay says', async () => {
    const shop = await Promise.all(SECRETS.map((verb) => canI(name, [verb, 'secrets', 'shop'])));
    const elsewhere = await Promise.all(SECRETS.map((verb) => canI(name, [verb, 'secrets', 'default'])));
    const everywhere = await canI(name, ['list', 'secrets', '']);
    expect(shop).toEqual(SECRETS.map(() => true));
    expect(elsewhere).toEqual(SECRETS.map(() => name === 'cluster-secrets'));
    expect(everywhere).toBe(name === 'cluster-secrets');
  });
});
