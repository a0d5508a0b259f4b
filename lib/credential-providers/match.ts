import { toByteString } from '../go/bytes';
import { compareUrls, kubeletLookupKey } from '../pull-secrets/keyring';
import type { CredentialProvider, CredentialProviders, ProviderFinding } from './types';

/**
 * Without a configuration pullfix assumes the cloud providers' own plugins, with the matchImages their
 * documentation ships (ecr-credential-provider, acr-credential-provider, gcp's auth-provider-gcp) and no token
 * attributes: the node's identity supplies the credentials. Verdicts built on them say it is an assumption.
 */
export const BUILT_IN_PROVIDERS: CredentialProviders = {
  source: 'built-in',
  providers: [
    builtIn('ecr-credential-provider', [
      '*.dkr.ecr.*.amazonaws.com',
      '*.dkr-ecr.*.on.aws',
      '*.dkr.ecr.*.amazonaws.com.cn',
      '*.dkr-ecr.*.on.amazonwebservices.com.cn',
      '*.dkr.ecr-fips.*.amazonaws.com',
      '*.dkr.ecr.*.c2s.ic.gov',
      '*.dkr.ecr.*.sc2s.sgov.gov',
    ]),
    builtIn('acr-credential-provider', ['*.azurecr.io', '*.azurecr.cn', '*.azurecr.de', '*.azurecr.us']),
    builtIn('gcp-credential-provider', ['container.cloud.google.com', 'gcr.io', '*.gcr.io', '*.pkg.dev']),
  ],
};

/**
 * The provider the kubelet would ask for `image`'s credentials, and what the pod's service account lacks for
 * it. `isImageAllowed` compares each matchImages entry with the image's registry/repository by URLsMatchStr,
 * the keyring's own glob rules. The kubelet asks every provider that matches; the first one explains the pull.
 */
export function findProvider(
  providers: CredentialProviders,
  image: string,
  serviceAccount: { annotationKeys: string[] } | null,
): ProviderFinding | null {
  return findProviderFor(providers, kubeletLookupKey(image), serviceAccount);
}

/** findProvider for what the kubelet looks up: registry/repository (a bare host matches the patterns without a path). */
export function findProviderFor(
  providers: CredentialProviders,
  lookupKey: string,
  serviceAccount: { annotationKeys: string[] } | null,
): ProviderFinding | null {
  const lookup = toByteString(lookupKey);
  for (const provider of providers.providers) {
    const matchImage = provider.matchImages.find((pattern) => compareUrls(toByteString(pattern), lookup).outcome === 'match');
    if (matchImage === undefined) continue;
    const required = provider.tokenAttributes?.requiredServiceAccountAnnotationKeys ?? [];
    const present = new Set(serviceAccount?.annotationKeys ?? []);
    return {
      provider: provider.name,
      source: providers.source,
      matchImage,
      tokenMode: provider.tokenAttributes !== null,
      requiredAnnotations: required,
      missingAnnotations: serviceAccount === null ? [] : required.filter((key) => !present.has(key)),
      serviceAccountKnown: serviceAccount !== null,
    };
  }
  return null;
}

function builtIn(name: string, matchImages: string[]): CredentialProvider {
  return { name, matchImages, defaultCacheDurationMs: 12 * 3_600_000, apiVersion: 'credentialprovider.kubelet.k8s.io/v1', tokenAttributes: null };
}
