/**
 * The kubelet's CredentialProviderConfig (staging/src/k8s.io/kubelet/config/v1/types.go), the fields pullfix
 * reads: which images each provider serves and what it needs from the pod's service account. args, env and
 * the plugin binary stay on the node.
 */
export interface CredentialProviderConfig {
  providers: CredentialProvider[];
}

export interface CredentialProvider {
  name: string;
  /** Globs over registry[:port][/path], matched as the keyring matches pull secret keys (URLsMatchStr). */
  matchImages: string[];
  /** Milliseconds; the config writes a Go duration ("12h"). */
  defaultCacheDurationMs: number;
  /** credentialprovider.kubelet.k8s.io/v1, v1beta1 or v1alpha1: the version of the plugin's exec API. */
  apiVersion: string;
  tokenAttributes: TokenAttributes | null;
}

/** KEP-4412: the plugin gets a token for the pod's service account, and the annotations it names. */
export interface TokenAttributes {
  serviceAccountTokenAudience: string;
  requireServiceAccount: boolean;
  requiredServiceAccountAnnotationKeys: string[];
  optionalServiceAccountAnnotationKeys: string[];
  cacheType: 'ServiceAccount' | 'Token';
}

/** The name of the file beside the registry configuration that holds the nodes' CredentialProviderConfig. */
export const CREDENTIAL_PROVIDERS_FILE = 'credential-providers.yaml';

/** Where the providers pullfix assumes come from: a configuration it was given, or its built-in cloud patterns. */
export type ProviderSource = 'config' | 'built-in';

export interface CredentialProviders {
  source: ProviderSource;
  providers: CredentialProvider[];
}

/** What one image gets from the node's credential providers, seen from the failing pod. */
export interface ProviderFinding {
  /** The provider that serves the image (the first that matches, in the config's order). */
  provider: string;
  source: ProviderSource;
  /** The matchImages entry that matched. */
  matchImage: string;
  /** The provider asks for a service account token (KEP-4412). */
  tokenMode: boolean;
  requiredAnnotations: string[];
  /** Required annotations the pod's service account lacks: the kubelet then does not call the plugin. */
  missingAnnotations: string[];
  /** False when the service accounts could not be read: annotations are then unknown. */
  serviceAccountKnown: boolean;
}
