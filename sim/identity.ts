import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ServingCertificate, SimUser } from './contracts';
import { generateServingCertificate } from './tls';

/** Beside the kubeconfig: what a restarted simulator needs to be the same cluster to that kubeconfig. */
export const IDENTITY_FILE = 'sim-state.json';

/** The cluster's identity as a kubeconfig sees it: the CA it trusts, the certificate it is served, the tokens it sends. */
export interface ClusterIdentity {
  tls: ServingCertificate;
  users: SimUser[];
}

interface StoredIdentity {
  tls: ServingCertificate;
  tokens: Record<string, string>;
}

/**
 * The identity an earlier run left in `directory`, or a fresh one; either way stored there again (owner-only:
 * it holds the serving key and bearer tokens). Reusing it means a kubeconfig written by that run, and anything
 * that read it, keeps working after the simulator restarts on the same port. Users keep their earlier token by
 * name; a user new to the scenario keeps the scenario's. A stored certificate that has expired, or a file that
 * does not parse, is replaced by a fresh identity.
 */
export function loadOrCreateIdentity(directory: string, users: SimUser[]): ClusterIdentity {
  const file = path.join(directory, IDENTITY_FILE);
  const stored = readStoredIdentity(file);
  const identity: ClusterIdentity = {
    tls: stored?.tls ?? generateServingCertificate(),
    users: users.map((user) => ({ ...user, token: stored?.tokens[user.name] ?? user.token })),
  };
  const tokens = Object.fromEntries(identity.users.map((user) => [user.name, user.token]));
  mkdirSync(directory, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ tls: identity.tls, tokens } satisfies StoredIdentity, null, 2)}\n`, { mode: 0o600 });
  return identity;
}

function readStoredIdentity(file: string): StoredIdentity | null {
  let parsed: Partial<StoredIdentity>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<StoredIdentity>;
  } catch {
    return null;
  }
  const { tls, tokens } = parsed;
  if (!tls?.caPem || !tls.certPem || !tls.keyPem || typeof tokens !== 'object' || tokens === null) return null;
  try {
    if (Date.parse(new X509Certificate(tls.certPem).validTo) <= Date.now()) return null;
  } catch {
    return null;
  }
  return { tls, tokens };
}
