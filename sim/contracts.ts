import type { Clock } from './clock';
import type { KubeObject, ObjectStore } from './store';

/**
 * The seams between the simulator's parts: the API server (sim/apiserver), the cluster's behaviour
 * (sim/cluster: controllers, admission, kubelet), and the registries (sim/registry). Each part is built and
 * tested on its own against these types; sim/main.ts wires them together from a scenario.
 */

// ---- API server ------------------------------------------------------------------------------------------

/** An RBAC rule as a Role/ClusterRole writes it. `namespaces` absent means cluster-wide. */
export interface PolicyRule {
  verbs: string[]; // 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | '*'
  apiGroups: string[]; // '' for core, 'apps', 'batch', '*'
  resources: string[]; // 'pods', 'pods/log', '*'
  resourceNames?: string[];
  namespaces?: string[];
}

export interface SimUser {
  /** The kubeconfig user and context name, e.g. 'sim-admin'. */
  name: string;
  /** What the API server reports as the user in Forbidden messages, e.g. 'system:serviceaccount:default:viewer' or 'admin'. */
  username: string;
  token: string;
  rules: PolicyRule[];
}

/**
 * Runs before an object is stored by a create, through the API or from a controller. Returns the object to
 * store (e.g. a pod with its service account's imagePullSecrets copied in) or throws an `AdmissionError`.
 */
export type AdmissionHook = (resource: string, object: KubeObject, store: ObjectStore) => KubeObject;

export class AdmissionError extends Error {
  constructor(
    readonly code: 403 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'AdmissionError';
  }
}

export interface ApiServerOptions {
  store: ObjectStore;
  users: SimUser[];
  /** 0 picks a free port. The server always binds 127.0.0.1. */
  port: number;
  admit: AdmissionHook;
  tls: ServingCertificate;
  /** Watch timeouts and the request time tables are aged against; the real clock unless a test drives it. */
  clock?: Clock;
}

export interface ServingCertificate {
  /** PEM of the CA that signed `cert`; goes into the kubeconfig as certificate-authority-data. */
  caPem: string;
  certPem: string;
  keyPem: string;
}

export interface RunningApiServer {
  url: string; // https://127.0.0.1:<port>
  /** Requests served so far, by method and path, for the API-call budget tests. */
  requestLog: { method: string; path: string; user: string | null; status: number }[];
  close(): Promise<void>;
}

// ---- Registries ------------------------------------------------------------------------------------------

export interface RegistryUser {
  username: string;
  password: string;
}

export interface ScenarioRepository {
  /** Path without the registry, e.g. 'library/nginx', 'davidpuziol/nginx'. */
  name: string;
  public: boolean;
  /** Users (by username) who may pull a private repository. */
  pullers?: string[];
  /** tag -> the platforms its image index offers ('linux/amd64', 'linux/arm64', ...). */
  tags: Record<string, { platforms: string[] }>;
}

export type RegistryFailure =
  | 'dns' // the host does not resolve
  | 'tls' // the host answers TLS with a certificate nobody trusts
  | 'refused' // nothing listens
  | 'timeout' // accepts the connection and never answers
  | 'unavailable'; // answers 503

export interface ScenarioRegistry {
  /** The host as image references write it: 'docker.io', 'ghcr.io', 'registry.example.com:5000'. */
  host: string;
  /** 'token': Docker Hub's bearer challenge with a token endpoint; 'basic': basic auth; 'none': open. */
  auth: 'token' | 'basic' | 'none';
  users: RegistryUser[];
  repositories: ScenarioRepository[];
  failure?: RegistryFailure;
  /** Pulls (manifest GETs) allowed per minute before 429 toomanyrequests; anonymous only unless `everyone`. */
  rateLimit?: { pullsPerMinute: number; everyone?: boolean };
  /**
   * Docker Hub's pull allowance per account, as Hub states it: every manifest reply to the account (a HEAD too)
   * carries `ratelimit-limit: <limit>;w=<windowSeconds>`, `ratelimit-remaining` and `docker-ratelimit-source`;
   * each counted pull spends one of `remaining`, and a pull with none left is refused with 429 TOOMANYREQUESTS.
   * The window is Hub's six hours: nothing frees up while a simulator runs.
   */
  allowances?: Record<string, { limit: number; remaining: number; windowSeconds: number }>;
  /**
   * A token registry whose pulls say "unauthorized" for a repository that does not exist (as for one the user
   * may not pull), while its tag listing tells a logged-in user NAME_UNKNOWN.
   */
  tagListNamesUnknown?: boolean;
  /** Serve this host from an external registry instead (tests point it at the real docker-registry). */
  externalUrl?: string;
  externalCaPem?: string;
}

/** How the app reaches a registry host: the file the simulator writes beside its kubeconfig (design §5). */
export interface RegistryEndpointConfig {
  hosts: Record<string, { endpoint: string; caFile?: string; insecure?: boolean }>;
}

export interface RegistryFleet {
  /** Where the simulated kubelet and the app reach each scenario host. */
  endpoints(): RegistryEndpointConfig;
  close(): Promise<void>;
}

export interface PullCredential {
  username: string;
  password: string;
}

export type PullOutcome =
  | { ok: true; digest: string; resolved: string }
  /** `message` is in containerd's words, as the kubelet puts it after `Failed to pull image "…": `. */
  | { ok: false; reason: 'ErrImagePull' | 'RegistryUnavailable'; message: string };

/**
 * The container runtime's pull: tries each credential in order (anonymously when there are none), as the
 * kubelet's PullImage loop does, and words failures as containerd would.
 */
export type PullImage = (
  image: string,
  credentials: PullCredential[],
  platform: string,
) => Promise<PullOutcome>;
