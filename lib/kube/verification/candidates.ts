import 'server-only';

import type { V1Pod, V1Secret } from '@kubernetes/client-node';
import type { ImageRef } from '../../image-ref';
import type { CandidateOrigin } from '../../pull-verification';
import { matchCredentialEntries, PullSecretError } from '../../pull-secrets';
import { pullSecretLogins, type PullSecretLogin } from '../../pull-secrets/logins';
import type { RegistryLogin } from '../../registry/client';
import { PULL_SECRET_TYPES, type NamespaceCredentials } from '../credentials';

/**
 * A credential in reach of one image: a pull secret and the entry of it the kubelet would use. The login
 * (with its password) stays on the server; `login` is null when the secret cannot be read, so it cannot be tested.
 */
export interface Candidate {
  namespace: string;
  secret: string;
  origin: CandidateOrigin;
  server: string | null;
  username: string | null;
  login: RegistryLogin | null;
  /** Why there is no login to test. */
  untestable: string | null;
}

/**
 * Every credential that could pull `image` for `pod`, in the order a fix would reach for them: the pod's own
 * pull secrets, its service account's, the namespace's unattached ones that match, then matching ones in other
 * namespaces (`elsewhere`: the secrets of other namespaces the user may read, null when none could be listed).
 * Secrets the user may not read are candidates too, when the pod names them: they are shown as not tested.
 */
export function candidatesFor(
  pod: V1Pod,
  image: ImageRef,
  namespace: NamespaceCredentials,
  elsewhere: V1Secret[] | null,
): Candidate[] {
  const podNamespace = pod.metadata?.namespace ?? '';
  const onPod = names(pod.spec?.imagePullSecrets);
  const account = namespace.serviceAccounts?.get(pod.spec?.serviceAccountName ?? 'default');
  const onAccount = names(account?.imagePullSecrets).filter((name) => !onPod.includes(name));
  const lookup = `${image.registry}/${image.repository}`;
  const secrets = namespace.secrets;

  const attached = (name: string, origin: CandidateOrigin): Candidate[] => {
    if (secrets === null) return [unreadable(podNamespace, name, origin)];
    const secret = secrets.get(name);
    return secret === undefined ? [] : matching(secret, podNamespace, origin, lookup);
  };
  const candidates = [
    ...onPod.flatMap((name) => attached(name, 'pod')),
    ...onAccount.flatMap((name) => attached(name, 'service-account')),
    ...[...(secrets?.values() ?? [])]
      .filter((secret) => !onPod.includes(secret.metadata?.name ?? '') && !onAccount.includes(secret.metadata?.name ?? ''))
      .flatMap((secret) => matching(secret, podNamespace, 'namespace', lookup)),
    ...(elsewhere ?? [])
      .filter((secret) => (secret.metadata?.namespace ?? '') !== podNamespace)
      .flatMap((secret) => matching(secret, secret.metadata?.namespace ?? '', 'other-namespace', lookup)),
  ];
  return candidates;
}

/** The entry the kubelet would use from this secret for `lookup`, or nothing when none would be used. */
function matching(secret: V1Secret, namespace: string, origin: CandidateOrigin, lookup: string): Candidate[] {
  if (!PULL_SECRET_TYPES.has(secret.type ?? '')) return [];
  const name = secret.metadata?.name ?? '';
  const logins = loginsOf(secret);
  const entry = logins === null ? undefined : matchCredentialEntries(logins, lookup)[0];
  if (entry === undefined) return [];
  const base = { namespace, secret: name, origin, server: entry.server, username: entry.username };
  if (entry.password === '') return [{ ...base, login: null, untestable: `the entry for ${entry.server} in ${name} has no password` }];
  return [{ ...base, login: { username: entry.username, password: entry.password }, untestable: null }];
}

/** Decoded once per secret object: a failures query asks every failing image about the same secrets. */
const decoded = new WeakMap<V1Secret, PullSecretLogin[] | null>();

function loginsOf(secret: V1Secret): PullSecretLogin[] | null {
  if (decoded.has(secret)) return decoded.get(secret) ?? null;
  let logins: PullSecretLogin[] | null;
  try {
    logins = pullSecretLogins({ type: secret.type, data: secret.data });
  } catch (error) {
    if (!(error instanceof PullSecretError)) throw error;
    // A malformed secret is a finding of its own (malformed-secret); there is no login in it to test.
    logins = null;
  }
  decoded.set(secret, logins);
  return logins;
}

function unreadable(namespace: string, secret: string, origin: CandidateOrigin): Candidate {
  return {
    namespace,
    secret,
    origin,
    server: null,
    username: null,
    login: null,
    untestable: `the secret "${secret}" cannot be read with this context's user, so it was not tested`,
  };
}

function names(references: { name?: string }[] | undefined): string[] {
  return [...new Set((references ?? []).map((reference) => reference.name ?? '').filter((name) => name !== ''))];
}
