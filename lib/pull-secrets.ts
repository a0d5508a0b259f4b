// Image pull secrets as the kubelet reads them: decoding (secrets.MakeDockerKeyring and
// DockerConfigEntry.UnmarshalJSON) and credential lookup (BasicDockerKeyring.Add/Lookup).
// Keys and images are compared as Go compares them: as UTF-8 byte strings, through Go's url.Parse,
// net.SplitHostPort and filepath.Match, so these are ported below rather than approximated with
// WHATWG URLs or regular expressions.
import { credentialFingerprint } from './fingerprint';
import { goQuote, ImageRefError, parseImageRef } from './image-ref';

export type PullSecretErrorCode = 'wrong-type' | 'missing-key' | 'bad-base64' | 'bad-json' | 'bad-auth';

/** A secret the kubelet cannot use for pulls. The message names the field and the fix, never a credential. */
export class PullSecretError extends Error {
  readonly code: PullSecretErrorCode;

  constructor(code: PullSecretErrorCode, message: string) {
    super(message);
    this.name = 'PullSecretError';
    this.code = code;
  }
}

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
  /** Keyed hash of username:password (see lib/fingerprint.ts); null without a password. */
  fingerprint: string | null;
  email: string | null;
  /** The key the kubelet files these credentials under; null when it ignores the entry. */
  indexKey: string | null;
  /** Why the kubelet ignores this entry; null when it uses it. */
  ignoredReason: string | null;
}

export interface PullSecretOptions {
  /** Key for credential fingerprints; a random per-process key when absent. */
  fingerprintKey?: Uint8Array;
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

/**
 * Decodes a pull secret as the kubelet does. Entries the kubelet skips (keys that are not URLs) are
 * kept, with `indexKey` null and the reason, because the UI reports them.
 */
export function decodePullSecret(
  secret: { type?: string; data?: Record<string, string> },
  options: PullSecretOptions = {},
): DecodedPullSecret {
  const { format, dataKey, encoded } = readPullSecretData(secret);
  const bytes = decodeGoBase64(encoded, true);
  if (bytes === null) {
    throw new PullSecretError(
      'bad-base64',
      `data["${dataKey}"] is not valid base64. Secret data is stored base64-encoded: put the plain JSON under stringData instead, or recreate the secret with kubectl create secret docker-registry.`,
    );
  }
  const document = parseJsonDocument(bytes, dataKey);
  const configEntries =
    format === 'dockerconfigjson' ? readDockerConfigJson(document, dataKey) : readDockercfg(document, dataKey);
  return {
    format,
    entries: configEntries.map(([server, entry]) => toRegistryCredential(server, entry, options.fingerprintKey)),
  };
}

/**
 * The username and password of each entry, decoded exactly as decodePullSecret reads them, for the server to
 * test against a registry. Never send the result to a browser: decodePullSecret is the form to show.
 */
export function pullSecretLogins(secret: { type?: string; data?: Record<string, string> }): PullSecretLogin[] {
  const { format, dataKey, encoded } = readPullSecretData(secret);
  const bytes = decodeGoBase64(encoded, true);
  if (bytes === null) throw new PullSecretError('bad-base64', `data["${dataKey}"] is not valid base64.`);
  const document = parseJsonDocument(bytes, dataKey);
  const configEntries = format === 'dockerconfigjson' ? readDockerConfigJson(document, dataKey) : readDockercfg(document, dataKey);
  return configEntries.map(([server, entry]) => {
    const usernameBytes = new TextEncoder().encode(entry.username).length;
    const password = entry.credential === null ? '' : new TextDecoder().decode(entry.credential.subarray(usernameBytes + 1));
    return { server, username: entry.username, password };
  });
}

export interface PullSecretLogin {
  server: string;
  username: string;
  password: string;
}

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

/**
 * The exact bytes of `.dockerconfigjson` that `kubectl create secret docker-registry` writes:
 * Go's json.Marshal of {auths: {server: {username, password, email, auth}}}, empty fields omitted.
 */
export function dockerConfigJson(c: { server: string; username: string; password: string; email?: string | null }): string {
  const auth = encodeBase64(new TextEncoder().encode(`${c.username}:${c.password}`));
  const fields: Array<[string, string]> = [
    ['username', c.username],
    ['password', c.password],
    ['email', c.email ?? ''],
    ['auth', auth],
  ];
  const entry = fields
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `${goJsonString(name)}:${goJsonString(value)}`)
    .join(',');
  return `{"auths":{${goJsonString(c.server)}:{${entry}}}}`;
}

/** The server kubectl users write for a registry: Docker Hub's legacy URL, otherwise host[:port]. */
export function kubectlServerFor(registry: string): string {
  return registry === 'docker.io' || registry === DEFAULT_REGISTRY_HOST ? DOCKER_HUB_SERVER : registry;
}

/** Go's path/filepath.Match (Unix): `*`, `?`, `[...]` classes and `\` escapes; throws on a malformed pattern. */
export function filepathMatch(pattern: string, name: string): boolean {
  const matched = matchPattern(toByteString(pattern), toByteString(name));
  if (matched === null) throw new Error('syntax error in pattern');
  return matched;
}

// ---------------------------------------------------------------------------------------------
// Reading the secret

const DEFAULT_REGISTRY_HOST = 'index.docker.io';

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

/** One registry entry after DockerConfigEntry.UnmarshalJSON. */
interface ConfigEntry {
  username: string;
  email: string;
  /** The bytes of username:password, when a password is set. */
  credential: Uint8Array | null;
}

function readPullSecretData(secret: { type?: string; data?: Record<string, string> }): {
  format: DecodedPullSecret['format'];
  dataKey: string;
  encoded: string;
} {
  const data: Record<string, unknown> = isPlainObject(secret.data) ? secret.data : {};
  const dataKeys = Object.keys(data);
  const format =
    secret.type === DOCKER_CONFIG_JSON_TYPE ? 'dockerconfigjson' : secret.type === DOCKERCFG_TYPE ? 'dockercfg' : null;
  if (format === null) {
    const written = typeof secret.type === 'string' ? `"${secret.type}"` : 'not set';
    const hint = dataKeys.includes(DOCKER_CONFIG_JSON_KEY)
      ? ` It holds ${DOCKER_CONFIG_JSON_KEY}, so recreate it with type ${DOCKER_CONFIG_JSON_TYPE} (kubectl create secret docker-registry does this).`
      : dataKeys.includes(DOCKERCFG_KEY)
        ? ` It holds ${DOCKERCFG_KEY}, so recreate it with type ${DOCKERCFG_TYPE}.`
        : ' A secret\'s type cannot be changed: recreate it with kubectl create secret docker-registry.';
    throw new PullSecretError(
      'wrong-type',
      `The secret's type is ${written}; the kubelet reads pull credentials only from secrets of type ${DOCKER_CONFIG_JSON_TYPE} or ${DOCKERCFG_TYPE}.${hint}`,
    );
  }
  const [dataKey, otherKey, otherType] =
    format === 'dockerconfigjson'
      ? [DOCKER_CONFIG_JSON_KEY, DOCKERCFG_KEY, DOCKERCFG_TYPE]
      : [DOCKERCFG_KEY, DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE];
  const encoded = data[dataKey];
  if (encoded === undefined || encoded === '') {
    const state =
      encoded === ''
        ? `data["${dataKey}"] is empty`
        : `there is no data["${dataKey}"] (${dataKeys.length > 0 ? `it has ${dataKeys.join(', ')}` : 'it has no data'})`;
    const hint = dataKeys.includes(otherKey)
      ? ` Its credentials are under ${otherKey}, which belongs to type ${otherType}: recreate the secret with that type.`
      : ' Recreate it with kubectl create secret docker-registry.';
    throw new PullSecretError(
      'missing-key',
      `A secret of type ${secret.type} keeps its credentials under data["${dataKey}"], but ${state}, so the kubelet ignores it.${hint}`,
    );
  }
  if (typeof encoded !== 'string') {
    throw new PullSecretError('bad-base64', `data["${dataKey}"] must be a base64 string.`);
  }
  return { format, dataKey, encoded };
}

function parseJsonDocument(bytes: Uint8Array, dataKey: string): JsonValue {
  // The BOM is kept so that JSON.parse rejects it, as Go's decoder does.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    // JSON.parse's message quotes the input, which may hold a password: keep it out.
    throw new PullSecretError(
      'bad-json',
      `data["${dataKey}"] does not hold valid JSON. It must be a Docker config such as {"auths":{"registry.example.com":{"username":"…","password":"…"}}}; recreate it with kubectl create secret docker-registry.`,
    );
  }
}

/**
 * DockerConfigJSON as Go's encoding/json fills it: field names match case-insensitively, `null`
 * resets the auths map, a second auths object adds to it, and type errors are reported only after
 * the whole document was read, unless an entry fails first.
 */
function readDockerConfigJson(document: JsonValue, dataKey: string): Array<[string, ConfigEntry]> {
  if (document === null) return [];
  if (!isJsonObject(document)) {
    throw new PullSecretError(
      'bad-json',
      `data["${dataKey}"] must be a JSON object with an "auths" map, found ${jsonKind(document)}.`,
    );
  }
  let auths: Map<string, ConfigEntry> | null = null;
  let typeError: PullSecretError | null = null;
  for (const [field, value] of Object.entries(document)) {
    const name = goFoldFieldName(field);
    if (name === 'AUTHS') {
      if (value === null) {
        auths = null;
      } else if (isJsonObject(value)) {
        auths ??= new Map();
        for (const [server, entry] of Object.entries(value)) {
          auths.set(server, readConfigEntry(entry, `data["${dataKey}"].${field}[${JSON.stringify(server)}]`));
        }
      } else {
        typeError ??= jsonTypeError(`data["${dataKey}"].${field}`, 'an object of registries', value);
      }
    } else if (name === 'HTTPHEADERS' && !isStringMap(value)) {
      typeError ??= jsonTypeError(`data["${dataKey}"].${field}`, 'an object of header strings', value);
    }
  }
  if (typeError !== null) throw typeError;
  return [...(auths ?? [])];
}

function readDockercfg(document: JsonValue, dataKey: string): Array<[string, ConfigEntry]> {
  if (document === null) return [];
  if (!isJsonObject(document)) {
    throw new PullSecretError(
      'bad-json',
      `data["${dataKey}"] must be a JSON object keyed by registry, found ${jsonKind(document)}.`,
    );
  }
  return Object.entries(document).map(([server, entry]) => [
    server,
    readConfigEntry(entry, `data["${dataKey}"][${JSON.stringify(server)}]`),
  ]);
}

/** DockerConfigEntry.UnmarshalJSON: a non-empty auth replaces username and password. */
function readConfigEntry(value: JsonValue, where: string): ConfigEntry {
  const fields = { USERNAME: '', PASSWORD: '', EMAIL: '', AUTH: '' };
  if (value !== null && !isJsonObject(value)) {
    throw jsonTypeError(where, 'an object with username and password (or auth)', value);
  }
  let typeError: PullSecretError | null = null;
  for (const [field, fieldValue] of Object.entries(value ?? {})) {
    const name = goFoldFieldName(field);
    if (!Object.hasOwn(fields, name) || fieldValue === null) continue;
    if (typeof fieldValue === 'string') fields[name as keyof typeof fields] = fieldValue;
    else typeError ??= jsonTypeError(`${where}.${field}`, 'a string', fieldValue);
  }
  if (typeError !== null) throw typeError;
  if (fields.AUTH === '') {
    const credential = fields.PASSWORD === '' ? null : new TextEncoder().encode(`${fields.USERNAME}:${fields.PASSWORD}`);
    return { username: fields.USERNAME, email: fields.EMAIL, credential };
  }
  return { ...decodeAuthField(fields.AUTH, where), email: fields.EMAIL };
}

/** decodeDockerConfigFieldAuth: base64 (padded or not, line breaks skipped) of username:password. */
function decodeAuthField(auth: string, where: string): Omit<ConfigEntry, 'email'> {
  const decoded = decodeGoBase64(auth, trimGoSpace(auth).endsWith('='));
  const fix = 'set it to base64 of username:password, or recreate the secret with kubectl create secret docker-registry';
  if (decoded === null) {
    throw new PullSecretError(
      'bad-auth',
      `${where}.auth is not valid base64 (only line breaks may appear inside it): ${fix}.`,
    );
  }
  const colon = decoded.indexOf(COLON);
  if (colon < 0) {
    throw new PullSecretError(
      'bad-auth',
      `${where}.auth decodes to a value without ":", so it holds no username:password pair: ${fix}.`,
    );
  }
  const username = new TextDecoder().decode(decoded.subarray(0, colon));
  return { username, credential: colon === decoded.length - 1 ? null : decoded };
}

function toRegistryCredential(server: string, entry: ConfigEntry, fingerprintKey?: Uint8Array): RegistryCredential {
  const normalized = kubeletIndexKey(server);
  return {
    server,
    username: entry.username === '' ? null : entry.username,
    hasPassword: entry.credential !== null,
    fingerprint: entry.credential === null ? null : credentialFingerprint(entry.credential, fingerprintKey),
    email: entry.email === '' ? null : entry.email,
    indexKey: normalized.ok ? fromByteString(normalized.indexKey) : null,
    ignoredReason: normalized.ok ? null : `the kubelet ignores this entry: ${normalized.error}`,
  };
}

function jsonTypeError(where: string, expected: string, value: JsonValue): PullSecretError {
  return new PullSecretError('bad-json', `${where} must be ${expected}, found ${jsonKind(value)}.`);
}

function jsonKind(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function isJsonObject(value: JsonValue): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringMap(value: JsonValue): boolean {
  return value === null || (isJsonObject(value) && Object.values(value).every((v) => v === null || typeof v === 'string'));
}

/**
 * Go's encoding/json matches struct fields case-insensitively with Unicode simple folding, under
 * which the Kelvin sign folds to K and the long s to S.
 */
function goFoldFieldName(name: string): string {
  return name.replace(/[a-z\u017f\u212a]/g, (c) => (c === '\u017f' ? 'S' : c === '\u212a' ? 'K' : c.toUpperCase()));
}

/** Go's strings.TrimSpace (unicode.IsSpace), which differs from String.prototype.trim at U+0085 and U+FEFF. */
function trimGoSpace(text: string): string {
  return text.replace(GO_LEADING_SPACE, '').replace(GO_TRAILING_SPACE, '');
}

const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+';
const GO_LEADING_SPACE = new RegExp(`^${GO_SPACE}`);
const GO_TRAILING_SPACE = new RegExp(`${GO_SPACE}$`);

// ---------------------------------------------------------------------------------------------
// Base64 as Go's encoding/base64 StdEncoding (padded) and RawStdEncoding decode it

const COLON = 0x3a;
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Null when the input is corrupt. `\r` and `\n` are skipped anywhere; trailing bits need not be zero. */
function decodeGoBase64(input: string, padded: boolean): Uint8Array | null {
  const out: number[] = [];
  let i = 0;
  for (;;) {
    const quantum: number[] = [];
    let end = false;
    while (quantum.length < 4) {
      if (i === input.length) {
        if (quantum.length === 0) return Uint8Array.from(out);
        if (quantum.length === 1 || padded) return null;
        end = true;
        break;
      }
      const c = input[i++] as string;
      if (c === '\r' || c === '\n') continue;
      if (c === '=' && padded) {
        if (quantum.length < 2) return null;
        if (quantum.length === 2) {
          i = skipLineBreaks(input, i);
          if (input[i] !== '=') return null;
          i++;
        }
        if (skipLineBreaks(input, i) < input.length) return null;
        end = true;
        break;
      }
      const value = BASE64_ALPHABET.indexOf(c);
      if (value < 0) return null;
      quantum.push(value);
    }
    const [a = 0, b = 0, c = 0, d = 0] = quantum;
    const bits = (a << 18) | (b << 12) | (c << 6) | d;
    out.push((bits >> 16) & 0xff);
    if (quantum.length > 2) out.push((bits >> 8) & 0xff);
    if (quantum.length > 3) out.push(bits & 0xff);
    if (end) return Uint8Array.from(out);
  }
}

function skipLineBreaks(input: string, from: number): number {
  let i = from;
  while (input[i] === '\r' || input[i] === '\n') i++;
  return i;
}

function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a = 0, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const bits = (a << 16) | (b << 8) | c;
    const chars = [18, 12, 6, 0].map((shift) => BASE64_ALPHABET[(bits >> shift) & 0x3f]);
    const kept = Math.min(bytes.length - i, 3) + 1;
    out += chars.slice(0, kept).join('') + '='.repeat(4 - kept);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Go's json.Marshal string encoding (HTML-safe, as kubectl uses it)

function goJsonString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (char in GO_SHORT_ESCAPES) out += GO_SHORT_ESCAPES[char];
    else if (code < 0x20 || char === '<' || char === '>' || char === '&' || code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      // A lone surrogate has no UTF-8 form; Go writes invalid UTF-8 as the replacement character.
      out += '\\ufffd';
    } else out += char;
  }
  return `${out}"`;
}

const GO_SHORT_ESCAPES: Record<string, string> = { '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

// ---------------------------------------------------------------------------------------------
// The keyring: config keys to index keys, and URL matching (pkg/credentialprovider/keyring.go)

interface Keyring<T> {
  /** Unique index keys (byte strings), in reverse byte order as Lookup walks them. */
  index: string[];
  itemsByIndexKey: Map<string, T[]>;
}

type IndexKeyResult = { ok: true; indexKey: string } | { ok: false; error: string };

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

/** BasicDockerKeyring.Add: scheme added when missing, a leading /v1/ or /v2/ dropped, host[:port][path]. */
function kubeletIndexKey(configKey: string): IndexKeyResult {
  const bytes = toByteString(configKey);
  const value = bytes.startsWith('https://') || bytes.startsWith('http://') ? bytes : `https://${bytes}`;
  const parsed = parseHttpUrl(value);
  if (!parsed.ok) return { ok: false, error: `${goQuoteBytes(value)} is not a URL (${parsed.error})` };
  const path = parsed.path.startsWith('/v2/') || parsed.path.startsWith('/v1/') ? parsed.path.slice(3) : parsed.path;
  return { ok: true, indexKey: path !== '' && path !== '/' ? parsed.host + path : parsed.host };
}

interface SchemelessUrl {
  host: string;
  labels: string[];
  port: string;
  path: string;
}

type UrlComparison =
  | { outcome: 'match'; key: SchemelessUrl }
  | { outcome: 'unparsable-key' | 'unparsable-image'; error: string }
  | { outcome: 'port-mismatch' | 'label-count-mismatch' | 'path-mismatch'; key: SchemelessUrl; image: SchemelessUrl }
  | { outcome: 'host-mismatch' | 'bad-pattern'; key: SchemelessUrl; image: SchemelessUrl; label: number };

/** URLsMatchStr(indexKey, image), keeping the reason for the outcome. Both are byte strings. */
function compareUrls(indexKey: string, image: string): UrlComparison {
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

/** ParseSchemelessURL followed by SplitURL. */
function parseSchemelessUrl(text: string): { ok: true; url: SchemelessUrl } | { ok: false; error: string } {
  const parsed = parseHttpUrl(`https://${text}`);
  if (!parsed.ok) return parsed;
  const split = splitHostPort(parsed.host);
  const [hostname, port] = split ?? [parsed.host, ''];
  return { ok: true, url: { host: parsed.host, labels: hostname.split('.'), port, path: parsed.path } };
}

/** isDefaultRegistryMatch: images that Docker Hub serves when no registry is written. */
function isDefaultRegistryMatch(image: string): boolean {
  const slash = image.indexOf('/');
  const first = slash < 0 ? image : image.slice(0, slash);
  if (first === '') return false;
  if (slash < 0) return true;
  if (first === 'docker.io' || first === DEFAULT_REGISTRY_HOST) return true;
  return !first.includes('.') && !first.includes(':');
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

// ---------------------------------------------------------------------------------------------
// Go's net/url.Parse, for URLs that start with http:// or https:// (the only ones the keyring builds).
// Strings here are byte strings: one char per UTF-8 byte, as Go strings are.

type UrlParse = { ok: true; host: string; path: string } | { ok: false; error: string };
type EscapeMode = 'host' | 'zone' | 'path' | 'fragment' | 'userinfo';

function parseHttpUrl(raw: string): UrlParse {
  const hash = raw.indexOf('#');
  const beforeFragment = hash < 0 ? raw : raw.slice(0, hash);
  if (/[\x00-\x1f\x7f]/.test(beforeFragment)) return { ok: false, error: 'net/url: invalid control character in URL' };
  const afterScheme = beforeFragment.slice(beforeFragment.indexOf(':') + 1);
  const query = afterScheme.indexOf('?');
  const rest = (query < 0 ? afterScheme : afterScheme.slice(0, query)).slice(2);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const host = parseAuthority(authority);
  if (!host.ok) return host;
  const path = unescape(slash < 0 ? '' : rest.slice(slash), 'path');
  if (!path.ok) return path;
  if (hash >= 0) {
    const fragment = unescape(raw.slice(hash + 1), 'fragment');
    if (!fragment.ok) return fragment;
  }
  return { ok: true, host: host.value, path: path.value };
}

type Parsed = { ok: true; value: string } | { ok: false; error: string };

function parseAuthority(authority: string): Parsed {
  const at = authority.lastIndexOf('@');
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
  if (!host.ok || at < 0) return host;
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) return { ok: false, error: 'net/url: invalid userinfo' };
  const colon = userinfo.indexOf(':');
  const parts = colon < 0 ? [userinfo] : [userinfo.slice(0, colon), userinfo.slice(colon + 1)];
  for (const part of parts) {
    const unescaped = unescape(part, 'userinfo');
    if (!unescaped.ok) return unescaped;
  }
  return host;
}

/**
 * parseHost as Go has it since its 2025 security fixes: brackets only around a whole IPv6 literal
 * (so a `[...]` glob class in a host makes the key unparsable), and for http(s) everything from the
 * first colon on must be a numeric port.
 */
function parseHost(host: string): Parsed {
  const open = host.lastIndexOf('[');
  if (open > 0) return { ok: false, error: 'invalid IP-literal' };
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) return { ok: false, error: "missing ']' in host" };
    const colonPort = host.slice(close + 1);
    if (!isOptionalPort(colonPort)) return { ok: false, error: `invalid port ${goQuoteBytes(colonPort)} after host` };
    const hostname = host.slice(1, close);
    const zone = hostname.indexOf('%25');
    const address =
      zone < 0
        ? unescape(hostname, 'host')
        : joinParsed(unescape(hostname.slice(0, zone), 'host'), unescape(hostname.slice(zone), 'zone'));
    if (!address.ok) return address;
    const kind = ipAddressKind(address.value);
    if (kind === null) return { ok: false, error: `invalid host: ${goQuoteBytes(address.value)} is not an IP address` };
    if (kind === 4) return { ok: false, error: 'invalid IP-literal' };
    return { ok: true, value: `[${address.value}]${colonPort}` };
  }
  const colon = host.indexOf(':');
  if (colon >= 0 && !isOptionalPort(host.slice(colon))) {
    return { ok: false, error: `invalid port ${goQuoteBytes(host.slice(colon))} after host` };
  }
  return unescape(host, 'host');
}

function joinParsed(a: Parsed, b: Parsed): Parsed {
  if (!a.ok) return a;
  if (!b.ok) return b;
  return { ok: true, value: a.value + b.value };
}

function isOptionalPort(colonPort: string): boolean {
  return /^(:[0-9]*)?$/.test(colonPort);
}

/** url.unescape: validates %-escapes (and, in hosts, the characters) and decodes them to bytes. */
function unescape(text: string, mode: EscapeMode): Parsed {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i] as string;
    if (c === '%') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { ok: false, error: `invalid URL escape ${goQuoteBytes(text.slice(i, i + 3))}` };
      const byte = parseInt(hex, 16);
      // Hosts may %-encode only non-ASCII bytes (RFC 3986), except %25 before an IPv6 zone (RFC 6874).
      const badHostEscape = mode === 'host' && byte < 0x80 && hex !== '25';
      const badZoneEscape = mode === 'zone' && hex !== '25' && byte !== 0x20 && isHostByteEscaped(byte);
      if (badHostEscape || badZoneEscape) return { ok: false, error: `invalid URL escape ${goQuoteBytes(text.slice(i, i + 3))}` };
      out += String.fromCharCode(byte);
      i += 3;
      continue;
    }
    if ((mode === 'host' || mode === 'zone') && c.charCodeAt(0) < 0x80 && isHostByteEscaped(c.charCodeAt(0))) {
      return { ok: false, error: `invalid character ${goQuoteBytes(c)} in host name` };
    }
    out += c;
    i++;
  }
  return { ok: true, value: out };
}

/** shouldEscape(c, encodeHost) for ASCII bytes. */
function isHostByteEscaped(byte: number): boolean {
  return !/[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]/.test(String.fromCharCode(byte));
}

/** netip.ParseAddr, reduced to the kind of address: 4, 6, or null when it does not parse. */
function ipAddressKind(text: string): 4 | 6 | null {
  const first = text.search(/[.:%]/);
  if (first < 0 || text[first] === '%') return null;
  if (text[first] === '.') return isIPv4(text) ? 4 : null;
  return isIPv6(text) ? 6 : null;
}

/** Four decimal fields of at most 255, no leading zeros. */
function isIPv4(text: string): boolean {
  const fields = text.split('.');
  return fields.length === 4 && fields.every((f) => /^(0|[1-9][0-9]{0,2})$/.test(f) && Number(f) <= 255);
}

/** netip's parseIPv6: hex groups, at most one "::" standing for at least one zero group, an optional IPv4 tail and %zone. */
function isIPv6(text: string): boolean {
  const percent = text.indexOf('%');
  if (percent >= 0 && percent === text.length - 1) return false;
  const address = percent < 0 ? text : text.slice(0, percent);
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groupsIn = (half: string, isLast: boolean): number | null => {
    if (half === '') return 0;
    const groups = half.split(':');
    let count = 0;
    for (const [i, group] of groups.entries()) {
      if (isLast && i === groups.length - 1 && group.includes('.')) {
        if (!isIPv4(group)) return null;
        count += 2;
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(group)) count += 1;
      else return null;
    }
    return count;
  };
  const head = groupsIn(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? groupsIn(halves[1] ?? '', true) : 0;
  if (head === null || tail === null) return false;
  return halves.length === 2 ? head + tail < 8 : head === 8;
}

/** net.SplitHostPort; null where it fails (no port, stray brackets or colons). */
function splitHostPort(hostport: string): [string, string] | null {
  const colon = hostport.lastIndexOf(':');
  if (colon < 0) return null;
  let host: string;
  let [from, to] = [0, 0];
  if (hostport[0] === '[') {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== colon) return null;
    host = hostport.slice(1, end);
    [from, to] = [1, end + 1];
  } else {
    host = hostport.slice(0, colon);
    if (host.includes(':')) return null;
  }
  if (hostport.slice(from).includes('[') || hostport.slice(to).includes(']')) return null;
  return [host, hostport.slice(colon + 1)];
}

function goQuoteBytes(bytes: string): string {
  return goQuote(fromByteString(bytes));
}

// ---------------------------------------------------------------------------------------------
// Go's path/filepath.Match over byte strings; null means a malformed pattern (ErrBadPattern).

const RUNE_ERROR = 0xfffd;

function matchPattern(pattern: string, name: string): boolean | null {
  let rest = pattern;
  let remaining = name;
  patterns: while (rest.length > 0) {
    const { star, chunk, after } = scanChunk(rest);
    rest = after;
    if (star && chunk === '') return !remaining.includes('/');
    const here = matchChunk(chunk, remaining);
    if (here.ok && (here.rest.length === 0 || rest.length > 0)) {
      remaining = here.rest;
      continue;
    }
    if (here.bad) return null;
    if (star) {
      for (let i = 0; i < remaining.length && remaining[i] !== '/'; i++) {
        const skipped = matchChunk(chunk, remaining.slice(i + 1));
        if (skipped.ok) {
          if (rest.length === 0 && skipped.rest.length > 0) continue;
          remaining = skipped.rest;
          continue patterns;
        }
        if (skipped.bad) return null;
      }
    }
    // Before answering no, make sure the rest of the pattern is well formed.
    while (rest.length > 0) {
      const next = scanChunk(rest);
      rest = next.after;
      if (matchChunk(next.chunk, '').bad) return null;
    }
    return false;
  }
  return remaining.length === 0;
}

function scanChunk(pattern: string): { star: boolean; chunk: string; after: string } {
  let start = 0;
  while (pattern[start] === '*') start++;
  const body = pattern.slice(start);
  let inRange = false;
  let i = 0;
  for (; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      if (i + 1 < body.length) i++;
    } else if (c === '[') inRange = true;
    else if (c === ']') inRange = false;
    else if (c === '*' && !inRange) break;
  }
  return { star: start > 0, chunk: body.slice(0, i), after: body.slice(i) };
}

type ChunkMatch = { ok: true; bad: false; rest: string } | { ok: false; bad: boolean; rest: '' };

/** matchChunk: keeps reading the chunk after a failure so that a malformed pattern is always reported. */
function matchChunk(chunk: string, text: string): ChunkMatch {
  let c = chunk;
  let s = text;
  let failed = false;
  while (c.length > 0) {
    if (!failed && s.length === 0) failed = true;
    const op = c[0];
    if (op === '[') {
      let rune = 0;
      if (!failed) {
        const [r, width] = decodeRune(s);
        rune = r;
        s = s.slice(width);
      }
      c = c.slice(1);
      const negated = c[0] === '^';
      if (negated) c = c.slice(1);
      let matched = false;
      let ranges = 0;
      for (;;) {
        if (c[0] === ']' && ranges > 0) {
          c = c.slice(1);
          break;
        }
        const lo = classChar(c);
        if (lo === null) return { ok: false, bad: true, rest: '' };
        let hi = lo;
        c = lo.after;
        if (c[0] === '-') {
          const upper = classChar(c.slice(1));
          if (upper === null) return { ok: false, bad: true, rest: '' };
          hi = upper;
          c = upper.after;
        }
        matched = matched || (lo.rune <= rune && rune <= hi.rune);
        ranges++;
      }
      failed = failed || matched === negated;
    } else if (op === '?') {
      if (!failed) {
        failed = s[0] === '/';
        s = s.slice(decodeRune(s)[1]);
      }
      c = c.slice(1);
    } else {
      if (op === '\\') {
        c = c.slice(1);
        if (c.length === 0) return { ok: false, bad: true, rest: '' };
      }
      if (!failed) {
        failed = c[0] !== s[0];
        s = s.slice(1);
      }
      c = c.slice(1);
    }
  }
  return failed ? { ok: false, bad: false, rest: '' } : { ok: true, bad: false, rest: s };
}

/** getEsc: one possibly escaped character of a class; null for a malformed class. */
function classChar(chunk: string): { rune: number; after: string } | null {
  if (chunk.length === 0 || chunk[0] === '-' || chunk[0] === ']') return null;
  const body = chunk[0] === '\\' ? chunk.slice(1) : chunk;
  if (body.length === 0) return null;
  const [rune, width] = decodeRune(body);
  const after = body.slice(width);
  if ((rune === RUNE_ERROR && width === 1) || after.length === 0) return null;
  return { rune, after };
}

/** utf8.DecodeRuneInString over a byte string: [rune, width], RuneError with width 1 for invalid bytes. */
function decodeRune(s: string): [number, number] {
  if (s.length === 0) return [RUNE_ERROR, 0];
  const b0 = s.charCodeAt(0);
  if (b0 < 0x80) return [b0, 1];
  const form = utf8Form(b0);
  if (form === null || s.length < form.width) return [RUNE_ERROR, 1];
  let rune = b0 & (0xff >> (form.width + 1));
  for (let i = 1; i < form.width; i++) {
    const b = s.charCodeAt(i);
    const [lo, hi] = i === 1 ? [form.secondMin, form.secondMax] : [0x80, 0xbf];
    if (b < lo || b > hi) return [RUNE_ERROR, 1];
    rune = (rune << 6) | (b & 0x3f);
  }
  return [rune, form.width];
}

/** The length a UTF-8 lead byte announces, and the range its second byte must fall in (no overlongs, surrogates or runes past U+10FFFF). */
function utf8Form(lead: number): { width: number; secondMin: number; secondMax: number } | null {
  if (lead < 0xc2 || lead > 0xf4) return null;
  if (lead < 0xe0) return { width: 2, secondMin: 0x80, secondMax: 0xbf };
  if (lead < 0xf0) return { width: 3, secondMin: lead === 0xe0 ? 0xa0 : 0x80, secondMax: lead === 0xed ? 0x9f : 0xbf };
  return { width: 4, secondMin: lead === 0xf0 ? 0x90 : 0x80, secondMax: lead === 0xf4 ? 0x8f : 0xbf };
}

// ---------------------------------------------------------------------------------------------
// Byte strings: Go compares, sorts and slices strings by byte, so keys are handled as their UTF-8 bytes.

function toByteString(text: string): string {
  return Array.from(new TextEncoder().encode(text), (b) => String.fromCharCode(b)).join('');
}

function fromByteString(bytes: string): string {
  return new TextDecoder().decode(Uint8Array.from(bytes, (c) => c.charCodeAt(0)));
}
