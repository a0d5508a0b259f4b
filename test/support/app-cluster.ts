import { reloadKubeConfig } from '../../lib/kube/config';

const VARIABLES = ['PULLFIX_KUBECONFIG', 'PULLFIX_REGISTRY_CONFIG', 'PULLFIX_VERIFY_CREDENTIALS'] as const;

/**
 * Points pullfix's server code in this process at a simulated cluster and the registries it serves, with the
 * automatic credential tests on (every registry the scenario names is served, so nothing leaves loopback).
 * Returns what puts the environment back as it was.
 */
export function pointAppAtCluster(cluster: { kubeconfig: string; registries: string }): () => void {
  const before = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  process.env.PULLFIX_KUBECONFIG = cluster.kubeconfig;
  process.env.PULLFIX_REGISTRY_CONFIG = cluster.registries;
  process.env.PULLFIX_VERIFY_CREDENTIALS = 'on';
  reloadKubeConfig();
  return () => {
    for (const name of VARIABLES) {
      if (before[name] === undefined) delete process.env[name];
      else process.env[name] = before[name];
    }
    reloadKubeConfig();
  };
}
