import { afterAll, beforeAll } from 'vitest';
import { reloadKubeConfig } from '../../lib/kube/config';

const VARIABLES = ['PULLFIX_KUBECONFIG', 'PULLFIX_REGISTRY_CONFIG', 'PULLFIX_VERIFY_CREDENTIALS'] as const;

/** What pullfix's server code reads to find its clusters and registries; unset ones stay as they are. */
export type AppEnvironment = Partial<Record<(typeof VARIABLES)[number], string>>;

/**
 * A cluster for one test file: started before the file's tests with pullfix's server code pointed at it, and
 * after them the environment put back and the cluster stopped. Returns the running cluster; asking for it
 * before the file's tests start is a mistake in the test, so it throws.
 */
export function clusterForFile<Cluster>(
  start: () => Promise<Cluster>,
  options: { stop: (cluster: Cluster) => Promise<void>; environment: (cluster: Cluster) => AppEnvironment; timeoutMs?: number },
): () => Cluster {
  let cluster: Cluster | undefined;
  let restore: (() => void) | undefined;
  beforeAll(async () => {
    cluster = await start();
    restore = pointApp(options.environment(cluster));
  }, options.timeoutMs ?? 100_000);
  afterAll(async () => {
    restore?.();
    if (cluster !== undefined) await options.stop(cluster);
  });
  return () => {
    if (cluster === undefined) throw new Error('the cluster runs only while the file’s tests do');
    return cluster;
  };
}

/**
 * Points pullfix's server code in this process at a simulated cluster and the registries it serves, with the
 * automatic credential tests on (every registry the scenario names is served, so nothing leaves loopback).
 * Returns what puts the environment back as it was.
 */
export function pointAppAtCluster(cluster: { kubeconfig: string; registries: string }): () => void {
  return pointApp(verifyingEnvironment(cluster));
}

/** The environment pointAppAtCluster sets: the cluster, the registries it serves, and credential tests on. */
export function verifyingEnvironment(cluster: { kubeconfig: string; registries: string }): AppEnvironment {
  return { PULLFIX_KUBECONFIG: cluster.kubeconfig, PULLFIX_REGISTRY_CONFIG: cluster.registries, PULLFIX_VERIFY_CREDENTIALS: 'on' };
}

/** Sets the given variables and reloads the kubeconfig; returns what puts every variable back as it was. */
export function pointApp(environment: AppEnvironment): () => void {
  const before = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of VARIABLES) {
    const value = environment[name];
    if (value !== undefined) process.env[name] = value;
  }
  reloadKubeConfig();
  return () => {
    for (const name of VARIABLES) {
      if (before[name] === undefined) delete process.env[name];
      else process.env[name] = before[name];
    }
    reloadKubeConfig();
  };
}
