import 'server-only';

import fs from 'node:fs';
import { kubeconfigSource } from '../kube/config';
import { readServiceAccount } from '../kube/service-account-token';

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
  const serviceAccount = readServiceAccount(`${SERVICE_ACCOUNT_DIRECTORY}/token`);
  return {
    mode: 'in-cluster',
    user: serviceAccount ? `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}` : null,
    serviceAccount,
  };
}
