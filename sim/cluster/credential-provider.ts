import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { CREDENTIAL_PROVIDERS_FILE } from '../../lib/credential-providers/types';
import { toByteString } from '../../lib/go/bytes';
import { compareUrls } from '../../lib/pull-secrets/keyring';
import type { PullCredential } from '../contracts';
import type { KubeObject } from '../store';

/**
 * A node credential provider plugin as a scenario declares it: the images it serves, whether it asks for the
 * pod's service-account token (KEP-4412) and which annotations it then requires, and what it answers.
 */
export interface SimCredentialProvider {
  name: string;
  matchImages: string[];
  /** tokenAttributes: the plugin exchanges a token of the pod's service account, audience `audience`. */
  serviceAccountToken: { audience: string; requiredAnnotations: string[] } | null;
  /** The registry login the plugin returns; null when it returns none (the node's identity gets nothing). */
  yields: PullCredential | null;
}

/**
 * The credentials the node's providers add for one pull, as the kubelet's providers keyring gets them
 * (pkg/credentialprovider/plugin, pluginProvider.provide): a provider whose matchImages do not match the
 * image (URLsMatchStr, the keyring's globs) is not asked; one that wants a service-account token and finds a
 * required annotation missing on the pod's service account is not called; otherwise its answer is used. The
 * answer is keyed by the image's registry (cacheKeyType Registry), so the keyring's lookup of it matches.
 * `lookupKey` is what the kubelet looks up: registry/repository.
 */
export function providerCredentials(providers: SimCredentialProvider[], lookupKey: string, serviceAccount: KubeObject | undefined): PullCredential[] {
  const target = toByteString(lookupKey);
  return providers.flatMap((provider) => {
    if (!provider.matchImages.some((pattern) => compareUrls(toByteString(pattern), target).outcome === 'match')) return [];
    if (provider.serviceAccountToken) {
      if (!serviceAccount) return [];
      const annotations = (serviceAccount.metadata.annotations ?? {}) as Record<string, string>;
      if (provider.serviceAccountToken.requiredAnnotations.some((key) => !(key in annotations))) return [];
    }
    return provider.yields ? [provider.yields] : [];
  });
}

/** The kubelet's --image-credential-provider-config for these providers: the file the nodes read. */
export function credentialProviderConfigYaml(providers: SimCredentialProvider[]): string {
  return stringify({
    apiVersion: 'kubelet.config.k8s.io/v1',
    kind: 'CredentialProviderConfig',
    providers: providers.map((provider) => ({
      name: provider.name,
      matchImages: provider.matchImages,
      defaultCacheDuration: '0s',
      apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
      ...(provider.serviceAccountToken
        ? {
            tokenAttributes: {
              serviceAccountTokenAudience: provider.serviceAccountToken.audience,
              requireServiceAccount: true,
              requiredServiceAccountAnnotationKeys: provider.serviceAccountToken.requiredAnnotations,
              cacheType: 'ServiceAccount',
            },
          }
        : {}),
    })),
  });
}

/** Puts the nodes' configuration beside registries.json, where the app looks for it; none left from an earlier run. */
export function writeCredentialProviderConfig(directory: string, providers: SimCredentialProvider[]): void {
  const file = path.join(directory, CREDENTIAL_PROVIDERS_FILE);
  if (providers.length === 0) rmSync(file, { force: true });
  else writeFileSync(file, credentialProviderConfigYaml(providers));
}
