import 'server-only';

import type { V1Pod, V1Secret } from '@kubernetes/client-node';
import { matchCredentialEntries, PullSecretError } from '../pull-secrets';
import { pullSecretLogins, type PullSecretLogin } from '../pull-secrets/logins';
import type { KubeClients } from './config';
import { ApiError } from '../api/errors';
import { getSecret, unlessRefused } from './reads';

/**
 * A credential for one image, read from a pull secret in the cluster. The password stays in this object on the
 * server: callers hand it to the registry client and answer with `username` and `secret` only.
 */
export interface SecretLogin {
  secret: string;
  /** The key the kubelet would use, as written in the secret. */
  server: string;
  username: string;
  password: string;
}

/**
 * The entry of secret `name` the kubelet would use for `image`, with its password. Throws an ApiError that says
 * in plain words why not: the user may not read the secret, it does not exist, it is malformed, or it holds
 * nothing for this image's registry.
 */
export async function secretLoginFor(clients: KubeClients, namespace: string, name: string, image: string): Promise<SecretLogin> {
  const logins = loginsOf(await readTestableSecret(clients, namespace, name), name);
  const match = matchCredentialEntries(logins, image)[0];
  if (match === undefined) {
    const servers = logins.map((entry) => entry.server).join(', ') || 'no registry at all';
    throw new ApiError('invalid-input', 400, `the secret "${name}" has no entry the kubelet would use for ${image}: its keys are for ${servers}`);
  }
  return { secret: name, server: match.server, username: match.username, password: match.password };
}

/**
 * The credential the kubelet would pick for `image` from the pod's own pull secrets (in the pod's order), or
 * null for an anonymous pull. Secrets that cannot be read, do not exist or do not decode are passed over, as the
 * kubelet passes over them.
 */
export async function podLoginFor(clients: KubeClients, pod: V1Pod, image: string): Promise<SecretLogin | null> {
  const namespace = pod.metadata?.namespace ?? '';
  const names = [...new Set((pod.spec?.imagePullSecrets ?? []).map((reference) => reference.name ?? '').filter((name) => name !== ''))];
  const entries: SecretLogin[] = [];
  for (const name of names) {
    const secret = await unlessRefused(getSecret(clients, namespace, name), 'forbidden', 'not-found');
    if (secret === null) continue;
    try {
      entries.push(...loginsOf(secret, name).map((login) => ({ ...login, secret: name })));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
  }
  return matchCredentialEntries(entries, image)[0] ?? null;
}

/** The secret a person asked to test: a refusal or its absence is told in words about that secret. */
async function readTestableSecret(clients: KubeClients, namespace: string, name: string): Promise<V1Secret> {
  try {
    return await getSecret(clients, namespace, name);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.code === 'forbidden') {
      throw new ApiError(
        'forbidden',
        403,
        `the user of context "${clients.context}" may not read the secret "${name}" in namespace "${namespace}", so it cannot be tested`,
        error.reason,
      );
    }
    if (error.code === 'not-found') {
      throw new ApiError('not-found', 404, `the secret "${name}" does not exist in namespace "${namespace}"`, error.reason);
    }
    throw error;
  }
}

/** A malformed secret is explained in the same words as on the pod page: both read it with one decoder. */
function loginsOf(secret: V1Secret, name: string): PullSecretLogin[] {
  try {
    return pullSecretLogins({ type: secret.type, data: secret.data });
  } catch (error) {
    if (!(error instanceof PullSecretError)) throw error;
    throw new ApiError('invalid-input', 400, `the secret "${name}" cannot be used: ${error.message}`);
  }
}
