// The shapes of decoded pull secrets and match explanations, and the names Kubernetes gives pull secrets.

export type PullSecretErrorCode = 'wrong-type' | 'missing-key' | 'bad-base64' | 'bad-json' | 'bad-auth';

export interface DecodedPullSecret {
  format: 'dockerconfigjson' | 'dockercfg';
  entries: RegistryCredential[];
}

export interface RegistryCredential {
  /** The registry key as written: "https://index.docker.io/v1/". */
  server: string;
  /** From username, or from auth when auth is set (auth wins). */
  username: string | null;
  hasPassword: boolean;
  /** Keyed hash of username:password (see fingerprint.ts); null without a password. */
  fingerprint: string | null;
  email: string | null;
  /** The key the kubelet files these credentials under; null when it ignores the entry. */
  indexKey: string | null;
  /** Why the kubelet ignores this entry; null when it uses it. */
  ignoredReason: string | null;
}

export type CredentialMatchRule =
  | 'exact-host'
  | 'glob'
  | 'path-prefix'
  | 'docker-hub-fallback'
  | 'port-mismatch'
  | 'label-count-mismatch'
  | 'host-mismatch'
  | 'path-mismatch'
  | 'invalid-key';

export interface CredentialMatchExplanation {
  matches: boolean;
  indexKey: string | null;
  rule: CredentialMatchRule;
  detail: string;
}

export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
export const DOCKERCFG_TYPE = 'kubernetes.io/dockercfg';
export const DOCKER_CONFIG_JSON_KEY = '.dockerconfigjson';
export const DOCKERCFG_KEY = '.dockercfg';
/** The server `kubectl create secret docker-registry` writes when none is given. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';
/** The host the kubelet files Docker Hub credentials under. */
export const DEFAULT_REGISTRY_HOST = 'index.docker.io';
