// The kubelet's reading of --image-credential-provider-config (pkg/credentialprovider/plugin/config.go: decode
// and validateCredentialProviderConfig), for the fields pullfix uses. Decoding is strict, as the kubelet's
// codec is: an unknown field is an error, not a silently ignored typo.
import { parse } from 'yaml';
import { parseHttpUrl } from '../go/url';
import { qualifiedNameProblem } from './annotations';
import type { CredentialProvider, CredentialProviderConfig, TokenAttributes } from './types';

export class CredentialProviderConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`The credential provider configuration ${source} is invalid: ${problems.join('; ')}`);
    this.name = 'CredentialProviderConfigError';
  }
}

/** The groups the kubelet decodes the file in; v1 is GA, the others still load. */
export const CONFIG_API_VERSIONS = ['kubelet.config.k8s.io/v1', 'kubelet.config.k8s.io/v1beta1', 'kubelet.config.k8s.io/v1alpha1'];
/** The plugin exec API versions a provider may name (apiVersions in plugin.go). */
export const PLUGIN_API_VERSIONS = ['credentialprovider.kubelet.k8s.io/v1', 'credentialprovider.kubelet.k8s.io/v1alpha1', 'credentialprovider.kubelet.k8s.io/v1beta1'];
const TOKEN_PLUGIN_API_VERSION = 'credentialprovider.kubelet.k8s.io/v1';
const CACHE_TYPES = ['ServiceAccount', 'Token'] as const;

const PROVIDER_FIELDS = new Set(['name', 'matchImages', 'defaultCacheDuration', 'apiVersion', 'args', 'env', 'tokenAttributes']);
const TOKEN_FIELDS = new Set(['serviceAccountTokenAudience', 'requireServiceAccount', 'requiredServiceAccountAnnotationKeys', 'optionalServiceAccountAnnotationKeys', 'cacheType']);

/** Parses the YAML (or JSON) text of a CredentialProviderConfig and validates it as the kubelet does. */
export function parseCredentialProviderConfig(text: string, source = 'credential provider configuration'): CredentialProviderConfig {
  let document: unknown;
  try {
    document = parse(text, { logLevel: 'error' });
  } catch (error) {
    throw new CredentialProviderConfigError(source, [`not YAML or JSON (${error instanceof Error ? error.message.split('\n')[0] : 'unreadable'})`]);
  }
  const problems: string[] = [];
  const root = objectOf(document);
  if (root === null) throw new CredentialProviderConfigError(source, ['the document is not an object']);
  if (root.kind !== 'CredentialProviderConfig') problems.push(`kind: must be CredentialProviderConfig, got ${shown(root.kind)}`);
  if (typeof root.apiVersion !== 'string' || !CONFIG_API_VERSIONS.includes(root.apiVersion)) {
    problems.push(`apiVersion: must be one of ${CONFIG_API_VERSIONS.join(', ')}, got ${shown(root.apiVersion)}`);
  }
  for (const key of Object.keys(root)) if (!['kind', 'apiVersion', 'providers'].includes(key)) problems.push(`unknown field "${key}"`);
  const providers = Array.isArray(root.providers) ? root.providers.map((entry, i) => readProvider(entry, `providers[${i}]`, problems)) : [];
  if (root.providers !== undefined && !Array.isArray(root.providers)) problems.push('providers: must be a list');
  problems.push(...validateProviders(providers));
  if (problems.length > 0) throw new CredentialProviderConfigError(source, problems);
  return { providers };
}

/** validateCredentialProviderConfig, with the KubeletServiceAccountTokenForCredentialProviders gate on (beta, default since 1.34). */
export function validateProviders(providers: CredentialProvider[]): string[] {
  const problems: string[] = [];
  if (providers.length === 0) problems.push('providers: Required value: at least 1 item in plugins is required');
  const seen = new Set<string>();
  for (const provider of providers) {
    const name = provider.name;
    if (name.includes('/')) problems.push(`providers.name: Invalid value: ${shown(name)}: provider name cannot contain '/'`);
    if (name.includes(' ')) problems.push(`providers.name: Invalid value: ${shown(name)}: provider name cannot contain spaces`);
    if (name === '.' || name === '..') problems.push(`providers.name: Invalid value: ${shown(name)}: provider name cannot be '${name}'`);
    if (seen.has(name)) problems.push(`providers.name: Duplicate value: ${shown(name)}`);
    seen.add(name);
    if (provider.apiVersion === '') problems.push('providers.apiVersion: Required value');
    else if (!PLUGIN_API_VERSIONS.includes(provider.apiVersion)) {
      problems.push(`providers.apiVersion: Unsupported value: ${shown(provider.apiVersion)}: supported values: ${[...PLUGIN_API_VERSIONS].sort().join(', ')}`);
    }
    if (provider.matchImages.length === 0) problems.push('providers.matchImages: Required value: at least 1 item in matchImages is required');
    for (const matchImage of provider.matchImages) {
      const parsed = parseHttpUrl(`https://${matchImage}`);
      if (!parsed.ok) problems.push(`providers.matchImages: Invalid value: ${shown(matchImage)}: match image is invalid: ${parsed.error}`);
    }
    if (Number.isNaN(provider.defaultCacheDurationMs)) problems.push('providers.defaultCacheDuration: Required value');
    else if (provider.defaultCacheDurationMs < 0) problems.push('providers.defaultCacheDuration: Invalid value: must be greater than or equal to 0');
    if (provider.tokenAttributes) problems.push(...validateTokenAttributes(provider.tokenAttributes, provider.apiVersion));
  }
  return problems;
}

function validateTokenAttributes(token: TokenAttributes, apiVersion: string): string[] {
  const where = 'providers.tokenAttributes';
  const problems: string[] = [];
  if (token.serviceAccountTokenAudience === '') problems.push(`${where}.serviceAccountTokenAudience: Required value`);
  if (apiVersion !== TOKEN_PLUGIN_API_VERSION) problems.push(`${where}: Forbidden: tokenAttributes is only supported for ${TOKEN_PLUGIN_API_VERSION} API version`);
  if (!token.requireServiceAccount && token.requiredServiceAccountAnnotationKeys.length > 0) {
    problems.push(`${where}.requiredServiceAccountAnnotationKeys: Forbidden: requireServiceAccount cannot be false when requiredServiceAccountAnnotationKeys is set`);
  }
  problems.push(...annotationKeyProblems(`${where}.requiredServiceAccountAnnotationKeys`, token.requiredServiceAccountAnnotationKeys));
  problems.push(...annotationKeyProblems(`${where}.optionalServiceAccountAnnotationKeys`, token.optionalServiceAccountAnnotationKeys));
  const both = token.requiredServiceAccountAnnotationKeys.filter((key) => token.optionalServiceAccountAnnotationKeys.includes(key));
  if (both.length > 0) problems.push(`${where}: Invalid value: ${[...new Set(both)].sort().join(', ')}: annotation keys cannot be both required and optional`);
  return problems;
}

/** validateServiceAccountAnnotationKeys: each a qualified name once lowercased, none twice. */
function annotationKeyProblems(where: string, keys: string[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const key of keys) {
    const why = qualifiedNameProblem(key.toLowerCase());
    if (why) problems.push(`${where}: Invalid value: ${shown(key)}: ${why}`);
    if (seen.has(key)) problems.push(`${where}: Duplicate value: ${shown(key)}`);
    seen.add(key);
  }
  return problems;
}

function readProvider(value: unknown, where: string, problems: string[]): CredentialProvider {
  const fields = objectOf(value) ?? {};
  if (objectOf(value) === null) problems.push(`${where}: must be an object`);
  for (const key of Object.keys(fields)) if (!PROVIDER_FIELDS.has(key)) problems.push(`${where}: unknown field "${key}"`);
  return {
    name: stringField(fields.name, `${where}.name`, problems),
    matchImages: stringList(fields.matchImages, `${where}.matchImages`, problems),
    defaultCacheDurationMs: fields.defaultCacheDuration === undefined ? Number.NaN : durationField(fields.defaultCacheDuration, `${where}.defaultCacheDuration`, problems),
    apiVersion: stringField(fields.apiVersion, `${where}.apiVersion`, problems),
    tokenAttributes: fields.tokenAttributes === undefined || fields.tokenAttributes === null ? null : readTokenAttributes(fields.tokenAttributes, `${where}.tokenAttributes`, problems),
  };
}

function readTokenAttributes(value: unknown, where: string, problems: string[]): TokenAttributes {
  const fields = objectOf(value) ?? {};
  for (const key of Object.keys(fields)) if (!TOKEN_FIELDS.has(key)) problems.push(`${where}: unknown field "${key}"`);
  if (fields.requireServiceAccount === undefined) problems.push(`${where}.requireServiceAccount: Required value`);
  else if (typeof fields.requireServiceAccount !== 'boolean') problems.push(`${where}.requireServiceAccount: must be true or false`);
  const cacheType = fields.cacheType;
  if (cacheType === undefined || cacheType === '') {
    problems.push(`${where}.cacheType: Required value: cacheType is required to be set when tokenAttributes is specified. Supported values are: ${CACHE_TYPES.join(', ')}`);
  } else if (!CACHE_TYPES.some((type) => type === cacheType)) {
    problems.push(`${where}.cacheType: Unsupported value: ${shown(cacheType)}: supported values: ${CACHE_TYPES.join(', ')}`);
  }
  return {
    serviceAccountTokenAudience: stringField(fields.serviceAccountTokenAudience, `${where}.serviceAccountTokenAudience`, problems),
    requireServiceAccount: fields.requireServiceAccount === true,
    requiredServiceAccountAnnotationKeys: stringList(fields.requiredServiceAccountAnnotationKeys, `${where}.requiredServiceAccountAnnotationKeys`, problems),
    optionalServiceAccountAnnotationKeys: stringList(fields.optionalServiceAccountAnnotationKeys, `${where}.optionalServiceAccountAnnotationKeys`, problems),
    cacheType: cacheType === 'Token' ? 'Token' : 'ServiceAccount',
  };
}

const DURATION_UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^([-+]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+|0)$/;

/** time.ParseDuration, as metav1.Duration decodes "12h" or "1m30s"; milliseconds out. */
export function parseGoDuration(text: string): number | null {
  const match = DURATION.exec(text);
  if (!match) return null;
  const [, sign, body = ''] = match;
  let total = 0;
  for (const [, amount, unit] of body.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(amount) * (DURATION_UNITS_MS[unit ?? ''] ?? 0);
  return sign === '-' ? -total : total;
}

function durationField(value: unknown, where: string, problems: string[]): number {
  const parsed = typeof value === 'string' ? parseGoDuration(value) : null;
  if (parsed === null) {
    problems.push(`${where}: must be a duration such as "12h" or "1m30s", got ${shown(value)}`);
    return 0;
  }
  return parsed;
}

function stringField(value: unknown, where: string, problems: string[]): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') problems.push(`${where}: must be a string, got ${shown(value)}`);
  return typeof value === 'string' ? value : '';
}

function stringList(value: unknown, where: string, problems: string[]): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`${where}: must be a list of strings`);
    return [];
  }
  return value.flatMap((item, i) => (typeof item === 'string' ? [item] : (problems.push(`${where}[${i}]: must be a string, got ${shown(item)}`), [])));
}

function objectOf(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function shown(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value);
}
