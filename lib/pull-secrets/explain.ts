// Why a config key does or does not give credentials for an image, in the words the pod detail page shows.
import { fromByteString, toByteString } from '../go/bytes';
import { compareUrls, isDefaultRegistryMatch, kubeletIndexKey, kubeletLookupKey, type SchemelessUrl, type UrlComparison } from './keyring';
import { DEFAULT_REGISTRY_HOST, type CredentialMatchExplanation } from './types';

/** Why one config key does or does not give credentials for `image`, for the pod detail page. */
export function explainCredentialMatch(configKey: string, image: string): CredentialMatchExplanation {
  const normalized = kubeletIndexKey(configKey);
  if (!normalized.ok) {
    return {
      matches: false,
      indexKey: null,
      rule: 'invalid-key',
      detail: `the kubelet ignores key ${configKey}: ${normalized.error}`,
    };
  }
  const lookupKey = kubeletLookupKey(image);
  const indexKey = fromByteString(normalized.indexKey);
  const keyName = indexKey === configKey ? `key ${configKey}` : `key ${configKey} (indexed as ${indexKey})`;
  const comparison = compareUrls(normalized.indexKey, toByteString(lookupKey));
  if (comparison.outcome === 'match') {
    return { matches: true, indexKey, ...describeMatch(keyName, comparison.key, lookupKey) };
  }
  if (normalized.indexKey === DEFAULT_REGISTRY_HOST && isDefaultRegistryMatch(lookupKey)) {
    return {
      matches: true,
      indexKey,
      rule: 'docker-hub-fallback',
      detail: `${keyName} matches the Docker Hub image ${lookupKey} through the Docker Hub fallback, which the kubelet uses only when no other key matches`,
    };
  }
  return { matches: false, indexKey, ...describeMismatch(keyName, comparison, lookupKey) };
}

function describeMatch(
  keyName: string,
  key: SchemelessUrl,
  lookupKey: string,
): Pick<CredentialMatchExplanation, 'rule' | 'detail'> {
  const host = fromByteString(key.host);
  const pathNote = key.path === '' ? '' : ` and the image path starts with ${fromByteString(key.path)}`;
  if (key.labels.some((label) => /[*?[\\]/.test(label))) {
    return {
      rule: 'glob',
      detail: `${keyName} matches ${lookupKey}: every host label matches the pattern ${host}${pathNote}`,
    };
  }
  if (key.path !== '') {
    return {
      rule: 'path-prefix',
      detail: `${keyName} matches ${lookupKey}: same host${pathNote} (a plain string prefix, not whole path segments)`,
    };
  }
  return { rule: 'exact-host', detail: `${keyName} matches ${lookupKey}: same registry host ${host}` };
}

function describeMismatch(
  keyName: string,
  comparison: Exclude<UrlComparison, { outcome: 'match' }>,
  lookupKey: string,
): Pick<CredentialMatchExplanation, 'rule' | 'detail'> {
  switch (comparison.outcome) {
    case 'unparsable-key':
      return { rule: 'invalid-key', detail: `${keyName} never matches: the kubelet cannot parse it (${comparison.error})` };
    case 'unparsable-image':
      return {
        rule: 'host-mismatch',
        detail: `${lookupKey} is not an image reference the kubelet can look credentials up for (${comparison.error})`,
      };
    case 'bad-pattern': {
      const pattern = fromByteString(comparison.key.labels[comparison.label] ?? '');
      return {
        rule: 'invalid-key',
        detail: `${keyName} never matches: its host label ${pattern} is not a valid glob pattern`,
      };
    }
    case 'port-mismatch': {
      const imageHost = fromByteString(comparison.image.host);
      const [keyPort, imagePort] = [comparison.key.port, comparison.image.port];
      const detail =
        keyPort === ''
          ? `${keyName} has no port, the image's registry ${imageHost} has one (${imagePort})`
          : imagePort === ''
            ? `${keyName} has port ${keyPort}, the image's registry ${imageHost} has none`
            : `${keyName} has port ${keyPort}, the image's registry ${imageHost} has port ${imagePort}`;
      return { rule: 'port-mismatch', detail: `${detail}: ports must be equal` };
    }
    case 'label-count-mismatch': {
      const [keyHost, imageHost] = [fromByteString(comparison.key.host), fromByteString(comparison.image.host)];
      return {
        rule: 'label-count-mismatch',
        detail: `${keyName}: host ${keyHost} has ${comparison.key.labels.length} labels, the image's registry ${imageHost} has ${comparison.image.labels.length}; the counts must be equal, as * stands for exactly one label`,
      };
    }
    case 'path-mismatch':
      return {
        rule: 'path-mismatch',
        detail: `${keyName} applies only to paths starting with ${fromByteString(comparison.key.path)}; ${lookupKey} has path ${fromByteString(comparison.image.path) || '(none)'}`,
      };
    case 'host-mismatch': {
      const pattern = fromByteString(comparison.key.labels[comparison.label] ?? '');
      const label = fromByteString(comparison.image.labels[comparison.label] ?? '');
      return {
        rule: 'host-mismatch',
        detail: `${keyName} is for host ${fromByteString(comparison.key.host)}; the image's registry ${fromByteString(comparison.image.host)} differs (label ${label} does not match ${pattern})`,
      };
    }
  }
}
