import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import type { SimUser } from './contracts';

const SIM_CLUSTER_NAME = 'sim';

/**
 * Writes a kubeconfig for the simulated cluster: one cluster trusting the simulator's CA, and one user and one
 * context (named after the user) per SimUser, so `--context sim-viewer` acts as that user. The current context
 * is the first user's. The file holds bearer tokens, so only its owner may read it.
 */
export function writeKubeconfig(path: string, url: string, caPem: string, users: SimUser[], defaultNamespace: string): void {
  const [first] = users;
  if (!first) throw new Error('writeKubeconfig needs at least one user');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: SIM_CLUSTER_NAME, cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: users.map((user) => ({ name: user.name, user: { token: user.token } })),
    contexts: users.map((user) => ({
      name: user.name,
      context: { cluster: SIM_CLUSTER_NAME, user: user.name, namespace: defaultNamespace },
    })),
    'current-context': first.name,
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, stringify(config), { mode: 0o600 });
}
