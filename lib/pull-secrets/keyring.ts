// The kubelet's keyring (pkg/credentialprovider/keyring.go, BasicDockerKeyring.Add and Lookup): config keys
// become index keys, and an image's registry and repository is compared with each as Go compares URLs, as UTF-8
// byte strings through url.Parse, net.SplitHostPort and filepath.Match.
import { boundedMemo } from '../bounded-memo';
import { fromByteString, toByteString } from '../go/bytes';
import { matchPattern } from '../go/filepath';
import { goQuoteBytes, parseHttpUrl, splitHostPort } from '../go/url';
import { ImageRefError, parseImageRef } from '../image-ref';
import { DEFAULT_REGISTRY_HOST } from './types';

/**
 * The config keys whose credentials the kubelet would offer for `image`, in the order it tries them.
 * The kubelet looks up `<registry>/<repository>` of the parsed image (docker.io/library/nginx for
 * nginx:1.25); a string that is not an image reference is looked up as given.
 */
export function matchCredentials(configKeys: string[], image: string): string[] {
  return keyringLookup(configKeys, (key) => key, kubeletLookupKey(image));
}

/**
 * matchCredentials over whole entries, for callers that must know which secret a key came from.
 * Pass the entries of every pull secret in the pod's order: the kubelet builds one keyring from all
 * of them, and entries under one index key keep the order they were given in.
 */
export function matchCredentialEntries<T extends { server: string }>(entries: T[], image: string): T[] {
  return keyringLookup(entries, (entry) => entry.server, kubeletLookupKey(image));
}

/** BasicDockerKeyring.Lookup over `lookupKey` exactly as given (the form the upstream keyring tests use). */
export function lookupCredentials(configKeys: string[], lookupKey: string): string[] {
  return keyringLookup(configKeys, (key) => key, lookupKey);
}

/** The string the kubelet hands to the keyring for `image`: its registry and repository, without tag or digest. */
export function kubeletLookupKey(image: string): string {
  try {
    const ref = parseImageRef(image);
    return `${ref.registry}/${ref.repository}`;
  } catch (error) {
    if (error instanceof ImageRefError) return image;
    throw error;
  }
}

/** BasicDockerKeyring.Add: scheme added when missing, a leading /v1/ or /v2/ dropped, host[:port][path]. */
export function kubeletIndexKey(configKey: string): IndexKeyResult {
  const bytes = toByteString(configKey);
  const value = bytes.startsWith('https://') || bytes.startsWith('http://') ? bytes : `https://${bytes}`;
  const parsed = parseHttpUrl(value);
  if (!parsed.ok) return { ok: false, error: `${goQuoteBytes(value)} is not a URL (${parsed.error})` };
  const path = parsed.path.startsWith('/v2/') || parsed.path.startsWith('/v1/') ? parsed.path.slice(3) : parsed.path;
  return { ok: true, indexKey: path !== '' && path !== '/' ? parsed.host + path : parsed.host };
}

/** The index key as text, or why the kubelet ignores the config key. */
export function indexKeyOf(configKey: string): { indexKey: string | null; ignoredReason: string | null } {
  const normalized = kubeletIndexKey(configKey);
  return normalized.ok
    ? { indexKey: fromByteString(normalized.indexKey), ignoredReason: null }
    : { indexKey: null, ignoredReason: `the kubelet ignores this entry: ${normalized.error}` };
}

export interface SchemelessUrl {
  readonly host: string;
  readonly labels: readonly string[];
  readonly port: string;
  readonly path: string;
}

export type UrlComparison =
  | { outcome: 'match'; key: SchemelessUrl }
  | { outcome: 'unparsable-key' | 'unparsable-image'; error: string }
  | { outcome: 'port-mismatch' | 'label-count-mismatch' | 'path-mismatch'; key: SchemelessUrl; image: SchemelessUrl }
  | { outcome: 'host-mismatch' | 'bad-pattern'; key: SchemelessUrl; image: SchemelessUrl; label: number };


/** URLsMatchStr(indexKey, image), keeping the reason for the outcome. Both are byte strings. */
export function compareUrls(indexKey: string, image: string): UrlComparison {
  const key = parseSchemelessUrl(indexKey);
  if (!key.ok) return { outcome: 'unparsable-key', error: key.error };
  const target = parseSchemelessUrl(image);
  if (!target.ok) return { outcome: 'unparsable-image', error: target.error };
  const [k, t] = [key.url, target.url];
  if (k.port !== t.port) return { outcome: 'port-mismatch', key: k, image: t };
  if (k.labels.length !== t.labels.length) return { outcome: 'label-count-mismatch', key: k, image: t };
  if (!t.path.startsWith(k.path)) return { outcome: 'path-mismatch', key: k, image: t };
  for (const [label, pattern] of k.labels.entries()) {
    const matched = matchPattern(pattern, t.labels[label] ?? '');
    if (matched === null) return { outcome: 'bad-pattern', key: k, image: t, label };
    if (!matched) return { outcome: 'host-mismatch', key: k, image: t, label };
  }
  return { outcome: 'match', key: k };
}

/**
 * ParseSchemelessURL followed by SplitURL. Remembered: every failing container's image is compared with every
 * credential provider's patterns on each answer, and the same few strings were parsed thousands of times.
 */
const parseSchemelessUrl = boundedMemo((text: string): { ok: true; url: SchemelessUrl } | { ok: false; error: string } => {
  const parsed = parseHttpUrl(`https://${text}`);
  if (!parsed.ok) return parsed;
  const split = splitHostPort(parsed.host);
  const [hostname, port] = split ?? [parsed.host, ''];
  return { ok: true, url: Object.freeze({ host: parsed.host, labels: Object.freeze(hostname.split('.')), port, path: parsed.path }) };
}, 4096);

/** isDefaultRegistryMatch: images that Docker Hub serves when no registry is written. */
export function isDefaultRegistryMatch(image: string): boolean {
  const slash = image.indexOf('/');
  const first = slash < 0 ? image : image.slice(0, slash);
  if (first === '') return false;
  if (slash < 0) return true;
  if (first === 'docker.io' || first === DEFAULT_REGISTRY_HOST) return true;
  return !first.includes('.') && !first.includes(':');
}

interface Keyring<T> {
  /** Unique index keys (byte strings), in reverse byte order as Lookup walks them. */
  index: string[];
  itemsByIndexKey: Map<string, T[]>;
}

export type IndexKeyResult = { ok: true; indexKey: string } | { ok: false; error: string };

function keyringLookup<T>(items: T[], configKeyOf: (item: T) => string, lookupKey: string): T[] {
  const keyring = buildKeyring(items, configKeyOf);
  const target = toByteString(lookupKey);
  const matched = keyring.index
    .filter((indexKey) => compareUrls(indexKey, target).outcome === 'match')
    .flatMap((indexKey) => keyring.itemsByIndexKey.get(indexKey) ?? []);
  if (matched.length > 0) return matched;
  if (isDefaultRegistryMatch(lookupKey)) return keyring.itemsByIndexKey.get(DEFAULT_REGISTRY_HOST) ?? [];
  return [];
}

function buildKeyring<T>(items: T[], configKeyOf: (item: T) => string): Keyring<T> {
  const itemsByIndexKey = new Map<string, T[]>();
  for (const item of items) {
    const normalized = kubeletIndexKey(configKeyOf(item));
    if (!normalized.ok) continue;
    const group = itemsByIndexKey.get(normalized.indexKey) ?? [];
    group.push(item);
    itemsByIndexKey.set(normalized.indexKey, group);
  }
  const index = [...itemsByIndexKey.keys()].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  return { index, itemsByIndexKey };
}

