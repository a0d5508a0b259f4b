import 'server-only';

import type { V1Pod, V1Secret, V1ServiceAccount } from '@kubernetes/client-node';
import { BUILT_IN_PROVIDERS, type CredentialProviders } from '../credential-providers';
import type { SecretFact } from '../pull-verdict';
import type { PullSecretState, PullSecretView, SecretMatch, ServiceAccountView } from '../api/types';
import { decodePullSecret, explainCredentialMatch, matchCredentials, PullSecretError, type DecodedPullSecret } from '../pull-secrets';
import { pullSecretLogins, type PullSecretLogin } from '../pull-secrets/logins';
import { ecrTokenAge, type EcrTokenAge } from '../registry/ecr-token';
import { isoTime } from './timestamps';

/** The secret types the kubelet reads pull credentials from. */
export const PULL_SECRET_TYPES: ReadonlySet<string> = new Set(['kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg']);

/**
 * What a namespace holds for pulling: its secrets and service accounts, each null when the user may not list
 * them. Secrets of other types keep their name and type only: a pod may name one by mistake.
 */
export interface NamespaceCredentials {
  secrets: Map<string, V1Secret> | null;
  serviceAccounts: Map<string, V1ServiceAccount> | null;
  /** The node credential providers of the context; the built-in cloud patterns when absent. */
  providers?: CredentialProviders;
}

/** One pull secret, decoded once: the entries without any password, or why the kubelet cannot use it. */
export interface ReadSecret {
  view: PullSecretView;
  decoded: DecodedPullSecret | null;
}

/**
 * The credential facts about one pod: which secrets it and its service account name, which exist, which decode,
 * and, per image, which would be used. The verdict is decided from these.
 */
export interface PodCredentials {
  readable: boolean;
  podSecrets: string[];
  serviceAccountName: string;
  /** Null when service accounts could not be read. */
  serviceAccount: ServiceAccountView | null;
  /** Attached to the pod or its service account, pod order first, existing ones only. */
  attached: ReadSecret[];
  /** Pull secrets of the namespace attached to neither. */
  unattached: ReadSecret[];
  /** Names the pod or its service account reference that do not exist. */
  missing: string[];
  providers: CredentialProviders;
  /** The annotation keys on the pod's service account; null when service accounts could not be read. */
  serviceAccountAnnotations: string[] | null;
}

/** What one image finds among the pod's credentials, in the terms decidePullVerdict reads. */
export interface ImageCredentials {
  state: PullSecretState;
  /** The pod's spec.imagePullSecrets, each with what it means for this image. */
  podSecrets: SecretFact[];
  /** The service account's imagePullSecrets as they are now. */
  serviceAccountSecrets: SecretFact[];
  /** For every entry of every secret the pod can see: would the kubelet use it for this image, and why. */
  matches: SecretMatch[];
}

export function podCredentials(pod: V1Pod, namespace: NamespaceCredentials): PodCredentials {
  const podSecrets = uniqueNames(pod.spec?.imagePullSecrets);
  const serviceAccountName = pod.spec?.serviceAccountName ?? 'default';
  const serviceAccount = serviceAccountView(serviceAccountName, podSecrets, namespace.serviceAccounts);
  const secrets = namespace.secrets;
  const providers = namespace.providers ?? BUILT_IN_PROVIDERS;
  const serviceAccountAnnotations = namespace.serviceAccounts && Object.keys(namespace.serviceAccounts.get(serviceAccountName)?.metadata?.annotations ?? {});
  if (!secrets) {
    return { readable: false, podSecrets, serviceAccountName, serviceAccount, attached: [], unattached: [], missing: [], providers, serviceAccountAnnotations };
  }
  const onServiceAccount = serviceAccount?.imagePullSecrets ?? [];
  const attachedNames = [...new Set([...podSecrets, ...onServiceAccount])];
  const attached: ReadSecret[] = [];
  const missing: string[] = [];
  for (const name of attachedNames) {
    const secret = secrets.get(name);
    if (!secret) missing.push(name);
    else attached.push(readSecret(secret, attachedTo(name, podSecrets, onServiceAccount)));
  }
  const unattached = [...secrets.values()]
    .filter((secret) => PULL_SECRET_TYPES.has(secret.type ?? '') && !attachedNames.includes(secret.metadata?.name ?? ''))
    .map((secret) => readSecret(secret, []));
  return { readable: true, podSecrets, serviceAccountName, serviceAccount, attached, unattached, missing, providers, serviceAccountAnnotations };
}

/**
 * The credentials this image would get, as the kubelet looks them up with `lookup` (registry/repository, null
 * when the image does not parse): the pod's own secrets only, since the service account's were copied into the
 * pod when it was created or never.
 */
export function imageCredentials(credentials: PodCredentials, lookup: string | null): ImageCredentials {
  const byName = new Map(credentials.attached.map((secret) => [secret.view.name, secret]));
  const fact = (name: string): SecretFact => secretFact(name, credentials.readable ? byName.get(name) ?? null : undefined, lookup);
  const podSecrets = credentials.podSecrets.map(fact);
  const serviceAccountSecrets = (credentials.serviceAccount?.imagePullSecrets ?? []).map(fact);
  const unattachedMatching = credentials.unattached
    .filter((secret) => secretFact(secret.view.name, secret, lookup).state === 'matches')
    .map((secret) => secret.view.name);
  return {
    state: {
      attached: credentials.podSecrets,
      matching: podSecrets.filter((secret) => secret.state === 'matches').map((secret) => secret.name),
      unattachedMatching,
      missing: credentials.missing,
      malformed: credentials.attached.filter((secret) => secret.view.status !== 'ok').map((secret) => secret.view.name),
      readable: credentials.readable,
    },
    podSecrets,
    serviceAccountSecrets,
    matches: lookup === null ? [] : matchExplanations([...credentials.attached, ...credentials.unattached], lookup),
  };
}

/** Indexes a namespace's secrets by name, without the data of those the kubelet would never read. */
export function indexSecrets(secrets: V1Secret[]): Map<string, V1Secret> {
  const index = new Map<string, V1Secret>();
  for (const secret of secrets) {
    const name = secret.metadata?.name;
    if (!name) continue;
    index.set(name, PULL_SECRET_TYPES.has(secret.type ?? '') ? secret : { metadata: secret.metadata, type: secret.type });
  }
  return index;
}

function readSecret(secret: V1Secret, attached: ('pod' | 'service-account')[]): ReadSecret {
  const base = {
    name: secret.metadata?.name ?? '',
    type: secret.type ?? 'Opaque',
    attachedTo: attached,
    created: isoTime(secret.metadata?.creationTimestamp),
  };
  try {
    const decoded = decodePullSecret({ type: secret.type, data: secret.data });
    const logins = pullSecretLogins({ type: secret.type, data: secret.data });
    const now = new Date();
    return {
      decoded,
      view: {
        ...base,
        status: 'ok',
        problem: null,
        entries: decoded.entries.map((entry, index) => ({
          server: entry.server,
          kubeletKey: entry.indexKey,
          ignoredReason: entry.ignoredReason,
          username: entry.username,
          hasPassword: entry.hasPassword,
          fingerprint: entry.fingerprint,
          email: entry.email,
          ...ecrTokenOf(logins[index], base.created, now),
        })),
      },
    };
  } catch (error) {
    if (!(error instanceof PullSecretError)) throw error;
    return {
      decoded: null,
      view: {
        ...base,
        status: error.code === 'wrong-type' ? 'wrong-type' : 'malformed',
        problem: { code: error.code, message: error.message },
        entries: [],
      },
    };
  }
}

/** Only ECR logins carry the field. */
function ecrTokenOf(login: PullSecretLogin | undefined, created: string | null, now: Date): { ecrToken?: EcrTokenAge } {
  const age = login === undefined ? null : ecrTokenAge(login, created, now);
  return age === null ? {} : { ecrToken: age };
}

/** `secret` undefined: not readable; null: does not exist. */
function secretFact(name: string, secret: ReadSecret | null | undefined, lookup: string | null): SecretFact {
  if (secret === undefined) return { name, state: 'unreadable' };
  if (secret === null) return { name, state: 'missing' };
  if (secret.view.status !== 'ok' || !secret.decoded) return { name, state: secret.view.status === 'wrong-type' ? 'wrong-type' : 'malformed' };
  const servers = secret.decoded.entries.map((entry) => entry.server);
  const matches = lookup !== null && matchCredentials(servers, lookup).length > 0;
  return { name, state: matches ? 'matches' : 'no-match', servers };
}

function matchExplanations(secrets: ReadSecret[], lookup: string): SecretMatch[] {
  return secrets.flatMap((secret) =>
    (secret.decoded?.entries ?? []).map((entry) => {
      const { matches, rule, detail } = explainCredentialMatch(entry.server, lookup);
      return { secret: secret.view.name, server: entry.server, matches, rule, explanation: detail };
    }),
  );
}

function serviceAccountView(
  name: string,
  podSecrets: string[],
  serviceAccounts: Map<string, V1ServiceAccount> | null,
): ServiceAccountView | null {
  if (!serviceAccounts) return null;
  const account = serviceAccounts.get(name);
  const imagePullSecrets = uniqueNames(account?.imagePullSecrets);
  return {
    name,
    exists: account !== undefined,
    imagePullSecrets,
    addedAfterPod: imagePullSecrets.filter((secret) => !podSecrets.includes(secret)),
  };
}

function attachedTo(name: string, onPod: string[], onServiceAccount: string[]): ('pod' | 'service-account')[] {
  const places: ('pod' | 'service-account')[] = [];
  if (onPod.includes(name)) places.push('pod');
  if (onServiceAccount.includes(name)) places.push('service-account');
  return places;
}

function uniqueNames(references: { name?: string }[] | undefined): string[] {
  return [...new Set((references ?? []).map((reference) => reference.name ?? '').filter((name) => name !== ''))];
}
