import 'server-only';

import fs from 'node:fs';
import { kubeconfigSource } from '../kube/config';

/**
 * Who pullfix acts as. From a kubeconfig, each context's user does (GET /api/contexts names them). In a pod it is
 * the pod's service account, named in the projected token's claims — read, not verified: the API server
 * verifies it on every call, this only says which account it is.
 */
export interface Identity {
  mode: 'in-cluster' | 'kubeconfig';
  /** 'system:serviceaccount:<namespace>:<name>' in a pod; null with a kubeconfig. */
  user: string | null;
  serviceAccount: { namespace: string; name: string } | null;
}

const SERVICE_ACCOUNT_DIRECTORY = '/var/run/secrets/kubernetes.io/serviceaccount';

export function currentIdentity(): Identity {
  const source = kubeconfigSource(process.env, process.argv, (file) => fs.existsSync(file));
  if (source !== 'in-cluster') return { mode: 'kubeconfig', user: null, serviceAccount: null };
  const serviceAccount = serviceAccountFromToken(readOrNull(`${SERVICE_ACCOUNT_DIRECTORY}/token`));
  return {
    mode: 'in-cluster',
    user: serviceAccount ? `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}` : null,
    serviceAccount,
  };
}

/** The account a service-account JWT names in its `sub` claim ('system:serviceaccount:<ns>:<name>'). */
export function serviceAccountFromToken(token: string | null): { namespace: string; name: string } | null {
  const payload = token?.trim().split('.')[1];
  if (!payload) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const subject = typeof claims === 'object' && claims !== null ? (claims as { sub?: unknown }).sub : undefined;
  const match = typeof subject === 'string' ? subject.match(/^system:serviceaccount:([^:]+):([^:]+)$/) : null;
  return match?.[1] && match[2] ? { namespace: match[1], name: match[2] } : null;
}

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
