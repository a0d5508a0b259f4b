import 'server-only';

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AppsV1Api,
  AuthorizationV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  ServerConfiguration,
  createConfiguration,
  type Context,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import type { ContextSummary } from '../api/types';
import { log } from '../log';
import { ApiError } from '../api/errors';
import { readServiceAccount } from './service-account-token';
import { keepAliveTransport, type KubeTransport } from './transport';

/** The API clients of one kubeconfig context, created once and shared by every request. */
export interface KubeClients {
  context: string;
  /** The context's own namespace, as kubectl defaults to it; null when it names none. */
  namespace: string | null;
  /** The cluster's API server URL, named in error messages. */
  server: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  authz: AuthorizationV1Api;
  /** The context's one keep-alive connection pool, and plain-JSON reads and watches over it for the hot paths. */
  transport: KubeTransport;
}

const IN_CLUSTER_CONTEXT = 'in-cluster';
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const DEFAULT_TIMEOUT_MS = 15_000;
/** How often the kubeconfig files are looked at for changes: a stat per file, not per request. */
const CHANGE_CHECK_INTERVAL_MS = 1000;

interface LoadedConfig {
  kubeConfig: KubeConfig;
  source: string;
  clients: Map<string, KubeClients>;
  /** The kubeconfig files read, and their size and mtime then; empty for the in-cluster service account. */
  files: string[];
  stamp: string;
  checkedAt: number;
}

let loaded: LoadedConfig | null = null;

export function listContexts(): ContextSummary[] {
  const { kubeConfig } = loadedConfig();
  const current = kubeConfig.getCurrentContext();
  return kubeConfig.getContexts().map((context) => ({
    name: context.name,
    cluster: context.cluster,
    user: context.user,
    namespace: context.namespace ?? null,
    current: context.name === current,
    server: kubeConfig.getCluster(context.cluster)?.server ?? null,
  }));
}

/** The kubeconfig user a context acts as, for audit lines; the context's own name when the kubeconfig names none. */
export function contextUser(context: string): string {
  return listContexts().find((candidate) => candidate.name === context)?.user ?? context;
}

/** The clients for a context; throws ApiError 'unknown-context' when the kubeconfig has no such context. */
export function clientsFor(context: string): KubeClients {
  const config = loadedConfig();
  const cached = config.clients.get(context);
  if (cached) return cached;
  const contextObject = config.kubeConfig.getContextObject(context);
  if (!contextObject) {
    // The kubeconfig's path and its other contexts stay in the server log: an answer may reach anyone.
    log.warn('a request named a context the kubeconfig does not have', { context, kubeconfig: config.source, contexts: config.kubeConfig.getContexts().length });
    throw new ApiError('unknown-context', 404, `the context "${context}" is not in the kubeconfig; the overview lists the known ones`);
  }
  const clients = makeClients(config.kubeConfig, contextObject);
  config.clients.set(context, clients);
  return clients;
}

/** Forgets the loaded kubeconfig and its clients, so the next call reads the environment again. */
export function reloadKubeConfig(): void {
  forgetLoaded();
}

/**
 * Where the kubeconfig comes from, in kubectl's order of precedence: an explicit `--kubeconfig` option (passed
 * to the server process, or as PULLFIX_KUBECONFIG by a launcher that cannot pass options), then the KUBECONFIG
 * path list, then ~/.kube/config. Returns the files, or 'in-cluster', or null when nothing is there.
 */
export function kubeconfigSource(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
  exists: (file: string) => boolean,
): string[] | 'in-cluster' | null {
  const explicit = kubeconfigOption(argv) ?? env.PULLFIX_KUBECONFIG;
  if (explicit) return splitPathList(explicit);
  if (env.KUBECONFIG) {
    const files = splitPathList(env.KUBECONFIG).filter(exists);
    if (files.length > 0) return files;
  }
  const home = env.HOME ?? os.homedir();
  const defaultFile = path.join(home, '.kube', 'config');
  if (exists(defaultFile)) return [defaultFile];
  if (env.KUBERNETES_SERVICE_HOST && exists(SERVICE_ACCOUNT_TOKEN)) return 'in-cluster';
  return null;
}

/**
 * The kubeconfig, read again (with new clients) when one of its files has changed since it was read: kubectl
 * reads it on every call, so a refreshed token or a cluster restarted with a new CA must not need a restart
 * of pullfix too.
 */
function loadedConfig(): LoadedConfig {
  const now = Date.now();
  if (loaded && now - loaded.checkedAt >= CHANGE_CHECK_INTERVAL_MS) {
    loaded.checkedAt = now;
    if (fileStamp(loaded.files) !== loaded.stamp) forgetLoaded();
  }
  loaded ??= loadKubeConfig();
  return loaded;
}

/** The old clients' pooled connections are closed: they carry the old credentials and CA. */
function forgetLoaded(): void {
  for (const clients of loaded?.clients.values() ?? []) clients.transport.close();
  loaded = null;
}

function fileStamp(files: string[]): string {
  return files
    .map((file) => {
      try {
        const stat = fs.statSync(file);
        return `${stat.size}:${stat.mtimeMs}`;
      } catch {
        return 'missing';
      }
    })
    .join(' ');
}

function loadKubeConfig(): LoadedConfig {
  const source = kubeconfigSource(process.env, process.argv, (file) => fs.existsSync(file));
  if (source === null) {
    throw new ApiError(
      'kubeconfig-missing',
      500,
      'no kubeconfig found: set KUBECONFIG or PULLFIX_KUBECONFIG, pass --kubeconfig, or create ~/.kube/config',
    );
  }
  const checkedAt = Date.now();
  if (source === 'in-cluster') {
    return { kubeConfig: inClusterConfig(), source: 'the pod service account', clients: new Map(), files: [], stamp: '', checkedAt };
  }
  // Stamped before reading: a change made while it is read shows as a change at the next check.
  const stamp = fileStamp(source);
  return { kubeConfig: fileConfig(source), source: source.join(path.delimiter), clients: new Map(), files: source, stamp, checkedAt };
}

function fileConfig(files: string[]): KubeConfig {
  const parts = files.map(readKubeconfigFile);
  const merged = new KubeConfig();
  // As kubectl merges a path list: the first file to define a name wins, and the first current-context counts.
  merged.loadFromOptions({
    clusters: firstByName(parts.flatMap((part) => part.clusters)),
    users: firstByName(parts.flatMap((part) => part.users)),
    contexts: firstByName(parts.flatMap((part) => part.contexts)),
    currentContext: parts.map((part) => part.currentContext).find((name) => name) ?? '',
  });
  return merged;
}

function readKubeconfigFile(file: string): KubeConfig {
  if (!fs.existsSync(file)) {
    throw new ApiError('kubeconfig-missing', 500, `the kubeconfig file ${file} does not exist`);
  }
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(file);
  } catch {
    throw new ApiError('kubeconfig-invalid', 500, `the kubeconfig file ${file} could not be read as a kubeconfig`);
  }
  return kubeConfig;
}

function firstByName<T extends { name: string }>(entries: T[]): T[] {
  const seen = new Set<string>();
  return entries.filter((entry) => !seen.has(entry.name) && seen.add(entry.name));
}

/** The pod's own service account as one context, `in-cluster`; `pathPrefix` relocates the mounted files (tests). */
export function inClusterConfig(pathPrefix = ''): KubeConfig {
  const cluster = new KubeConfig();
  cluster.loadFromCluster(pathPrefix);
  const [context] = cluster.getContexts();
  // client-node calls the pod's user "inClusterUser"; the service account's own name says who pullfix acts as.
  const account = readServiceAccount(`${pathPrefix}${SERVICE_ACCOUNT_TOKEN}`);
  const user = account ? `system:serviceaccount:${account.namespace}:${account.name}` : context?.user;
  const renamed = new KubeConfig();
  renamed.loadFromOptions({
    clusters: cluster.clusters,
    users: cluster.users.map((entry) => (entry.name === context?.user && user ? { ...entry, name: user } : entry)),
    contexts: context ? [{ ...context, name: IN_CLUSTER_CONTEXT, user: user ?? context.user }] : [],
    currentContext: IN_CLUSTER_CONTEXT,
  });
  return renamed;
}

function makeClients(base: KubeConfig, context: Context): KubeClients {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: base.clusters,
    users: base.users,
    contexts: base.contexts,
    currentContext: context.name,
  });
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) {
    throw new ApiError(
      'kubeconfig-invalid',
      500,
      `the context "${context.name}" names the cluster "${context.cluster}", which the kubeconfig does not define`,
    );
  }
  const transport = keepAliveTransport(kubeConfig, server, timeoutMs());
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: kubeConfig },
    promiseMiddleware: [requestTimeout(timeoutMs()), transport.middleware],
  });
  return {
    context: context.name,
    namespace: context.namespace ?? null,
    server,
    core: new CoreV1Api(configuration),
    apps: new AppsV1Api(configuration),
    batch: new BatchV1Api(configuration),
    authz: new AuthorizationV1Api(configuration),
    transport,
  };
}

/** client-node sets no deadline of its own: a cluster that accepts and never answers would hang the page. */
function requestTimeout(ms: number) {
  return {
    pre: async (request: RequestContext) => {
      request.setSignal(AbortSignal.timeout(ms));
      return request;
    },
    post: async (response: ResponseContext) => response,
  };
}

function timeoutMs(): number {
  const configured = Number(process.env.PULLFIX_KUBE_TIMEOUT_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_TIMEOUT_MS;
}

function kubeconfigOption(argv: readonly string[]): string | null {
  for (const [index, arg] of argv.entries()) {
    if (arg === '--kubeconfig') return argv[index + 1] ?? null;
    if (arg.startsWith('--kubeconfig=')) return arg.slice('--kubeconfig='.length);
  }
  return null;
}

function splitPathList(list: string): string[] {
  return list.split(path.delimiter).filter((file) => file.length > 0);
}
