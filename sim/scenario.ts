import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { SimCredentialProvider } from './cluster/credential-provider';
import type { AdmissionHook, PolicyRule, ScenarioRegistry, SimUser } from './contracts';
import { StoreError, type KubeObject, type ObjectStore } from './store';

/**
 * A scenario is data: the cluster's nodes, namespaces and users, the registries its images come from, and
 * the Kubernetes objects to create, in order. A YAML scenario file holds a `kind: Scenario` document with
 * the first four, then one document per object; an object that appears a second time is applied as an update
 * (after the cluster has settled), which is how a scenario tells "the pod was created, then the service
 * account got its secret".
 */
export interface Scenario {
  name: string;
  nodes: ScenarioNode[];
  namespaces: string[];
  users: SimUser[];
  registries: ScenarioRegistry[];
  /** The nodes' credential provider plugins (the kubelet's CredentialProviderConfig); none when absent. */
  credentialProviders?: SimCredentialProvider[];
  objects: KubeObject[];
}

export interface ScenarioNode {
  name: string;
  /** Images already on the node, as the kubelet's normalized names: `registry.k8s.io/pause:3.10`. */
  images?: string[];
  architecture?: string;
  /** The kubelet's version (`v1.35.0`): from 1.35 it verifies the credentials of cached images (KEP-2535). */
  kubeletVersion?: string;
  /** A NoSchedule taint keeps the scheduler's pods off the node; pods that name it in spec.nodeName still run there. */
  noSchedule?: boolean;
}

export interface ScaleOptions {
  namespaces: number;
  pods: number;
  failingRatio: number;
}

/** Generators for scenarios that are computed rather than written (`scale`); registered by name. */
export type ScenarioGenerator = (options: ScaleOptions) => Scenario;

/**
 * `--scenario` takes a bundled scenario's name (a file in sim/scenarios, or a registered generator) or the
 * path of a scenario file.
 */
export function loadScenario(nameOrPath: string, options: { generators?: Record<string, ScenarioGenerator>; scale?: ScaleOptions } = {}): Scenario {
  const generator = options.generators?.[nameOrPath];
  if (generator) return generator(options.scale ?? { namespaces: 100, pods: 10_000, failingRatio: 0.1 });
  const bundled = path.join(SCENARIO_DIRECTORY, `${nameOrPath}.yaml`);
  const file = /^[a-z0-9-]+$/.test(nameOrPath) ? bundled : path.resolve(nameOrPath);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`scenario "${nameOrPath}" not found: no bundled scenario of that name and no file at ${file}`);
  }
  return parseScenario(text, path.basename(file, path.extname(file)));
}

const SCENARIO_DIRECTORY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scenarios');

/**
 * Checks the shape of a scenario file's header by hand: zod would cost a third of a second of start-up for
 * a dozen fields, and the demo has to be up in under three.
 */
function readHeader(value: unknown): Omit<Scenario, 'objects' | 'users' | 'name'> & { name?: string; users: (Omit<SimUser, 'token'> & { token?: string })[] } {
  const header = record(value, 'the first document');
  if (header.kind !== 'Scenario') throw new ScenarioError('the first document must have kind: Scenario');
  const nodes = list(header.nodes, 'nodes').map((node, i) => {
    const fields = record(node, `nodes[${i}]`);
    return {
      name: text(fields.name, `nodes[${i}].name`),
      ...(fields.images === undefined ? {} : { images: list(fields.images, `nodes[${i}].images`).map((image, j) => text(image, `nodes[${i}].images[${j}]`)) }),
      ...(fields.architecture === undefined ? {} : { architecture: text(fields.architecture, `nodes[${i}].architecture`) }),
      ...(fields.kubeletVersion === undefined ? {} : { kubeletVersion: text(fields.kubeletVersion, `nodes[${i}].kubeletVersion`) }),
      ...(fields.noSchedule === undefined ? {} : { noSchedule: fields.noSchedule === true }),
    };
  });
  if (nodes.length === 0) throw new ScenarioError('nodes: a scenario needs at least one node');
  const users = list(header.users, 'users').map((user, i) => {
    const fields = record(user, `users[${i}]`);
    return {
      name: text(fields.name, `users[${i}].name`),
      username: text(fields.username, `users[${i}].username`),
      ...(fields.token === undefined ? {} : { token: text(fields.token, `users[${i}].token`) }),
      rules: list(fields.rules, `users[${i}].rules`).map((rule, j) => policyRule(rule, `users[${i}].rules[${j}]`)),
    };
  });
  if (users.length === 0) throw new ScenarioError('users: a scenario needs at least one user');
  return {
    ...(header.name === undefined ? {} : { name: text(header.name, 'name') }),
    nodes,
    namespaces: header.namespaces === undefined ? [] : list(header.namespaces, 'namespaces').map((namespace, i) => text(namespace, `namespaces[${i}]`)),
    users,
    registries: list(header.registries ?? [], 'registries').map((registry, i) => scenarioRegistry(registry, `registries[${i}]`)),
    credentialProviders: list(header.credentialProviders ?? [], 'credentialProviders').map((provider, i) => credentialProvider(provider, `credentialProviders[${i}]`)),
  };
}

function credentialProvider(value: unknown, where: string): SimCredentialProvider {
  const fields = record(value, where);
  const strings = (key: string, from: Record<string, unknown>, at: string) => list(from[key] ?? [], `${at}.${key}`).map((item, i) => text(item, `${at}.${key}[${i}]`));
  const token = fields.serviceAccountToken === undefined ? null : record(fields.serviceAccountToken, `${where}.serviceAccountToken`);
  const yields = fields.yields === undefined || fields.yields === null ? null : record(fields.yields, `${where}.yields`);
  const matchImages = strings('matchImages', fields, where);
  if (matchImages.length === 0) throw new ScenarioError(`${where}.matchImages: a provider serves at least one image pattern`);
  return {
    name: text(fields.name, `${where}.name`),
    matchImages,
    serviceAccountToken: token && {
      audience: text(token.audience, `${where}.serviceAccountToken.audience`),
      requiredAnnotations: strings('requiredAnnotations', token, `${where}.serviceAccountToken`),
    },
    yields: yields && { username: text(yields.username, `${where}.yields.username`), password: text(yields.password, `${where}.yields.password`) },
  };
}

function policyRule(value: unknown, where: string): PolicyRule {
  const fields = record(value, where);
  // '' names the core API group, so empty strings are allowed here.
  const strings = (key: string) => list(fields[key], `${where}.${key}`).map(String);
  return {
    verbs: strings('verbs'),
    apiGroups: strings('apiGroups'),
    resources: strings('resources'),
    ...(fields.resourceNames === undefined ? {} : { resourceNames: strings('resourceNames') }),
    ...(fields.namespaces === undefined ? {} : { namespaces: strings('namespaces') }),
  };
}

const AUTH_MODES = ['token', 'basic', 'none'] as const;
const FAILURES = ['dns', 'tls', 'refused', 'timeout', 'unavailable'] as const;

function scenarioRegistry(value: unknown, where: string): ScenarioRegistry {
  const fields = record(value, where);
  const auth = oneOf(fields.auth, AUTH_MODES, `${where}.auth`);
  const registry: ScenarioRegistry = {
    host: text(fields.host, `${where}.host`),
    auth,
    users: list(fields.users ?? [], `${where}.users`).map((user, i) => {
      const entry = record(user, `${where}.users[${i}]`);
      return { username: text(entry.username, `${where}.users[${i}].username`), password: String(entry.password ?? '') };
    }),
    repositories: list(fields.repositories ?? [], `${where}.repositories`).map((repository, i) => {
      const entry = record(repository, `${where}.repositories[${i}]`);
      const tags = record(entry.tags, `${where}.repositories[${i}].tags`);
      return {
        name: text(entry.name, `${where}.repositories[${i}].name`),
        public: entry.public === true,
        ...(entry.pullers === undefined ? {} : { pullers: list(entry.pullers, `${where}.repositories[${i}].pullers`).map(String) }),
        tags: Object.fromEntries(
          Object.entries(tags).map(([tag, image]) => [
            tag,
            { platforms: list(record(image, `${where}.repositories[${i}].tags.${tag}`).platforms, `${where}.repositories[${i}].tags.${tag}.platforms`).map(String) },
          ]),
        ),
      };
    }),
  };
  if (fields.failure !== undefined) registry.failure = oneOf(fields.failure, FAILURES, `${where}.failure`);
  if (fields.rateLimit !== undefined) {
    const limit = record(fields.rateLimit, `${where}.rateLimit`);
    registry.rateLimit = { pullsPerMinute: Number(limit.pullsPerMinute ?? 0), ...(limit.everyone === undefined ? {} : { everyone: limit.everyone === true }) };
  }
  if (fields.allowances !== undefined) {
    registry.allowances = Object.fromEntries(
      Object.entries(record(fields.allowances, `${where}.allowances`)).map(([username, value]) => {
        const allowance = record(value, `${where}.allowances.${username}`);
        return [username, { limit: Number(allowance.limit ?? 0), remaining: Number(allowance.remaining ?? 0), windowSeconds: Number(allowance.windowSeconds ?? 21600) }];
      }),
    );
  }
  if (fields.tagListNamesUnknown === true) registry.tagListNamesUnknown = true;
  if (fields.externalUrl !== undefined) registry.externalUrl = text(fields.externalUrl, `${where}.externalUrl`);
  if (fields.externalCaPem !== undefined) registry.externalCaPem = text(fields.externalCaPem, `${where}.externalCaPem`);
  return registry;
}

function kubeObject(value: unknown, where: string): KubeObject {
  const object = record(value, where);
  const metadata = record(object.metadata, `${where}.metadata`);
  text(object.apiVersion, `${where}.apiVersion`);
  text(object.kind, `${where}.kind`);
  text(metadata.name, `${where}.metadata.name`);
  return object as KubeObject;
}

export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ScenarioError(`${where}: expected a mapping`);
  return value as Record<string, unknown>;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new ScenarioError(`${where}: expected a list`);
  return value;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new ScenarioError(`${where}: expected a non-empty string`);
  return value;
}

function oneOf<T extends string>(value: unknown, options: readonly T[], where: string): T {
  if (!options.includes(value as T)) throw new ScenarioError(`${where}: expected one of ${options.join(', ')}`);
  return value as T;
}

export function parseScenario(text: string, fallbackName: string): Scenario {
  const documents = parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0) throw new ScenarioError(`scenario ${fallbackName}: ${document.errors[0]?.message}`);
    return document.toJSON() as unknown;
  });
  const [first, ...rest] = documents.filter((document) => document !== null && document !== undefined);
  const { name, nodes, namespaces, users, registries, credentialProviders } = withScenarioName(fallbackName, () => readHeader(first));
  const objects = rest.map((document, index) => withScenarioName(fallbackName, () => kubeObject(document, `document ${index + 2}`)));
  return {
    name: name ?? fallbackName,
    nodes,
    namespaces,
    users: users.map((user) => ({ ...user, token: user.token ?? randomBytes(24).toString('base64url') })),
    registries,
    credentialProviders,
    objects,
  };
}

function withScenarioName<T>(scenario: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ScenarioError) throw new ScenarioError(`scenario ${scenario}: ${error.message}`);
    throw error;
  }
}

export interface ApplyOptions {
  store: ObjectStore;
  admit: AdmissionHook;
  /** Waits until controllers and the kubelet have acted on everything created so far. */
  settle: () => Promise<void>;
}

/** Creates the scenario's nodes, namespaces and objects in order, through admission, as `kubectl create` would. */
export async function applyScenario(scenario: Scenario, { store, admit, settle }: ApplyOptions): Promise<void> {
  scenario.nodes.forEach((node, index) => store.create('nodes', nodeObject(node, index)));
  const namespaces = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', ...scenario.namespaces]);
  for (const object of scenario.objects) if (object.metadata.namespace) namespaces.add(object.metadata.namespace);
  for (const namespace of namespaces) {
    if (store.get('namespaces', undefined, namespace)) continue;
    store.create('namespaces', admit('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, store));
  }
  await settle();
  for (const object of scenario.objects) {
    const resource = resourceOf(object.kind);
    const namespace = object.kind === 'Namespace' ? undefined : (object.metadata.namespace ?? 'default');
    const placed = { ...object, metadata: { ...object.metadata, ...(namespace ? { namespace } : {}) } };
    const existing = store.get(resource, namespace, object.metadata.name);
    if (!existing) {
      store.create(resource, admit(resource, placed, store));
      continue;
    }
    await settle();
    const current = store.get(resource, namespace, object.metadata.name) ?? existing;
    const { metadata, ...body } = placed;
    store.update(resource, { ...current, ...body, metadata: { ...current.metadata, ...metadata } }, { bumpGeneration: true });
  }
  await settle();
}

const RESOURCES: Record<string, string> = {
  Pod: 'pods',
  Secret: 'secrets',
  ServiceAccount: 'serviceaccounts',
  ConfigMap: 'configmaps',
  Namespace: 'namespaces',
  Node: 'nodes',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
  CronJob: 'cronjobs',
};

function resourceOf(kind: string): string {
  const resource = RESOURCES[kind];
  if (!resource) throw new StoreError('NotFound', `the simulator does not serve kind ${kind}`);
  return resource;
}

/** A Ready node as a kubelet registers it, with the images it already holds listed in `status.images`. */
export function nodeObject(node: ScenarioNode, index: number): KubeObject {
  const architecture = node.architecture ?? 'amd64';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: {
        'beta.kubernetes.io/arch': architecture,
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': architecture,
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
      },
    },
    spec: {
      podCIDR: `10.244.${index}.0/24`,
      podCIDRs: [`10.244.${index}.0/24`],
      ...(node.noSchedule ? { taints: [{ key: 'pullfix.dev/dedicated', value: node.name, effect: 'NoSchedule' }] } : {}),
    },
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      addresses: [
        { type: 'InternalIP', address: `10.0.0.${index + 10}` },
        { type: 'Hostname', address: node.name },
      ],
      capacity: { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      allocatable: { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      nodeInfo: {
        architecture,
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.1.0-sim',
        containerRuntimeVersion: 'containerd://1.7.24',
        kubeletVersion: node.kubeletVersion ?? 'v1.32.0',
        kubeProxyVersion: node.kubeletVersion ?? 'v1.32.0',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
      images: (node.images ?? []).map((name) => ({ names: [name], sizeBytes: 0 })),
    },
  };
}
