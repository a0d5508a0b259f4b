// The one reading of an image pull secret, as the kubelet reads it (secrets.MakeDockerKeyring and
// DockerConfigEntry.UnmarshalJSON). Pure, and it returns the credentials themselves: lib/pull-secrets/decode.ts
// turns them into what may be shown, lib/pull-secrets/logins.ts hands them to server code, and the simulator's
// kubelet pulls with them.
import { decodeGoBase64 } from '../go/base64';
import { goFoldFieldName, goJsonSyntaxError } from '../go/json';
import { trimGoSpace } from '../go/strings';
import {
  DOCKERCFG_KEY,
  DOCKERCFG_TYPE,
  DOCKER_CONFIG_JSON_KEY,
  DOCKER_CONFIG_JSON_TYPE,
  type DecodedPullSecret,
  type PullSecretErrorCode,
} from './types';

/** A secret the kubelet cannot use for pulls. The message names the field and the fix, never a credential. */
export class PullSecretError extends Error {
  readonly code: PullSecretErrorCode;
  /** What the kubelet reports for this secret (Go's error text), which the simulator shows on the pull. */
  readonly kubeletMessage: string;

  constructor(code: PullSecretErrorCode, message: string, kubeletMessage = message) {
    super(message);
    this.name = 'PullSecretError';
    this.code = code;
    this.kubeletMessage = kubeletMessage;
  }
}

export interface PullSecretInput {
  type?: string;
  data?: Record<string, string>;
}

/** One registry entry after DockerConfigEntry.UnmarshalJSON. */
export interface PullSecretEntry {
  /** The registry key as written. */
  server: string;
  username: string;
  email: string;
  /** The bytes of username:password, when a password is set. */
  credential: Uint8Array | null;
}

export interface PullSecretLogin {
  server: string;
  username: string;
  password: string;
}

/**
 * The entries of a pull secret in the order written. Throws PullSecretError for a secret the kubelet
 * skips (wrong type, no data under the type's key) or fails on (bad base64, bad JSON, bad auth).
 */
export function readPullSecret(secret: PullSecretInput): { format: DecodedPullSecret['format']; entries: PullSecretEntry[] } {
  const { format, dataKey, encoded } = readPullSecretData(secret);
  const decoded = decodeGoBase64(encoded, true);
  if (!decoded.ok) {
    throw new PullSecretError(
      'bad-base64',
      `data["${dataKey}"] is not valid base64. Secret data is stored base64-encoded: put the plain JSON under stringData instead, or recreate the secret with kubectl create secret docker-registry.`,
      `illegal base64 data at input byte ${decoded.corruptAt}`,
    );
  }
  const document = parseJsonDocument(decoded.bytes, dataKey);
  const configEntries =
    format === 'dockerconfigjson' ? readDockerConfigJson(document, dataKey) : readDockercfg(document, dataKey);
  return { format, entries: configEntries.map(([server, entry]) => ({ server, ...entry })) };
}

/** The username and password of an entry, as the kubelet sends them to the registry. */
export function loginOf(entry: PullSecretEntry): PullSecretLogin {
  const usernameBytes = new TextEncoder().encode(entry.username).length;
  const password = entry.credential === null ? '' : new TextDecoder().decode(entry.credential.subarray(usernameBytes + 1));
  return { server: entry.server, username: entry.username, password };
}

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

type ConfigEntry = Omit<PullSecretEntry, 'server'>;

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
    throw new PullSecretError('bad-base64', `data["${dataKey}"] must be a base64 string.`, `json: cannot unmarshal ${goJsonKind(encoded)} into Go value of type []uint8`);
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
      goJsonSyntaxError(text),
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
    throw jsonTypeError(`data["${dataKey}"]`, 'a JSON object with an "auths" map', document);
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
    throw jsonTypeError(`data["${dataKey}"]`, 'a JSON object keyed by registry', document);
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
  if (!decoded.ok) {
    throw new PullSecretError(
      'bad-auth',
      `${where}.auth is not valid base64 (only line breaks may appear inside it): ${fix}.`,
      `illegal base64 data at input byte ${decoded.corruptAt}`,
    );
  }
  const colon = decoded.bytes.indexOf(COLON);
  if (colon < 0) {
    throw new PullSecretError(
      'bad-auth',
      `${where}.auth decodes to a value without ":", so it holds no username:password pair: ${fix}.`,
      'unable to parse auth field, must be formatted as base64(username:password)',
    );
  }
  const username = new TextDecoder().decode(decoded.bytes.subarray(0, colon));
  return { username, credential: colon === decoded.bytes.length - 1 ? null : decoded.bytes };
}

const COLON = 0x3a;

/** Go's error names the JSON kind it found and the Go type it wanted; the message names the field instead. */
function jsonTypeError(where: string, expected: string, value: JsonValue): PullSecretError {
  return new PullSecretError(
    'bad-json',
    `${where} must be ${expected}, found ${jsonKind(value)}.`,
    `json: cannot unmarshal ${goJsonKind(value)} into Go value`,
  );
}

function goJsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
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
