import { decodePullSecret, lookupCredentials, PullSecretError } from '../../lib/pull-secrets';
import type { PullCredential } from '../contracts';
import type { KubeObject } from '../store';

export type CredentialLookup = { ok: true; credentials: PullCredential[] } | { ok: false; message: string };

/**
 * The kubelet's `MakeDockerKeyring` + `Lookup` over a pod's pull secrets (credential-rules.md §4): secrets whose
 * type and data key disagree are skipped; a secret that cannot be decoded fails the whole lookup with Go's
 * error text (the pull then fails with it); the remaining entries are matched against the image in the
 * kubelet's order. `repository` is what the kubelet looks up: the normalized name without tag or digest
 * (`docker.io/library/nginx`), used as given.
 */
export function lookupPullCredentials(secrets: KubeObject[], repository: string): CredentialLookup {
  const byKey = new Map<string, PullCredential[]>();
  for (const secret of secrets) {
    const data = (secret.data as Record<string, string> | undefined) ?? {};
    try {
      decodePullSecret({ type: secret.type as string | undefined, data });
    } catch (error) {
      if (error instanceof PullSecretError && (error.code === 'wrong-type' || error.code === 'missing-key')) continue;
      return { ok: false, message: goKeyringError(secret, data) };
    }
    const entries = rawEntries(secret, data);
    if (!entries.ok) return { ok: false, message: entries.message };
    for (const [key, credential] of entries.entries) byKey.set(key, [...(byKey.get(key) ?? []), credential]);
  }
  const credentials = lookupCredentials([...byKey.keys()], repository).flatMap((key) => byKey.get(key) ?? []);
  return { ok: true, credentials };
}

type RawEntries = { ok: true; entries: [string, PullCredential][] } | { ok: false; message: string };

/** The config's entries with their secrets, decoded as `DockerConfigEntry.UnmarshalJSON` does (a set `auth` wins). */
function rawEntries(secret: KubeObject, data: Record<string, string>): RawEntries {
  const json = configJson(secret, data);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { ok: false, message: goJsonSyntaxError(json) };
  }
  const auths = (secret.type === 'kubernetes.io/dockerconfigjson' ? (parsed as { auths?: unknown })?.auths : parsed) ?? {};
  const entries: [string, PullCredential][] = [];
  for (const [key, value] of Object.entries(auths as Record<string, unknown>)) {
    const entry = (value ?? {}) as { username?: string; password?: string; auth?: string };
    if (entry.auth) {
      const decoded = decodeAuthField(entry.auth);
      if (!decoded.ok) return decoded;
      entries.push([key, decoded.credential]);
    } else {
      entries.push([key, { username: entry.username ?? '', password: entry.password ?? '' }]);
    }
  }
  return { ok: true, entries };
}

function configJson(secret: KubeObject, data: Record<string, string>): string {
  const key = secret.type === 'kubernetes.io/dockerconfigjson' ? '.dockerconfigjson' : '.dockercfg';
  return Buffer.from(data[key] ?? '', 'base64').toString('utf8');
}

/** Re-derives the Go error for a secret the pure decoder rejected, so the pod shows the kubelet's words. */
function goKeyringError(secret: KubeObject, data: Record<string, string>): string {
  const entries = rawEntries(secret, data);
  return entries.ok ? 'unexpected end of JSON input' : entries.message;
}

/**
 * `decodeDockerConfigFieldAuth`: padded (ends in `=`) or raw standard base64, CR and LF skipped, then
 * `username:password` split at the first colon.
 */
function decodeAuthField(field: string): { ok: true; credential: PullCredential } | { ok: false; message: string } {
  const padded = field.trim().endsWith('=');
  const decoded = goBase64Decode(field, padded);
  if (typeof decoded === 'number') return { ok: false, message: `illegal base64 data at input byte ${decoded}` };
  const text = Buffer.from(decoded).toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return { ok: false, message: 'unable to parse auth field, must be formatted as base64(username:password)' };
  return { ok: true, credential: { username: text.slice(0, colon), password: text.slice(colon + 1) } };
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Go's base64 decoding of a whole string: the decoded bytes, or the input offset Go reports as corrupt. */
function goBase64Decode(input: string, padded: boolean): number[] | number {
  const symbols: { value: number; at: number }[] = [];
  let paddingAt = -1;
  for (let i = 0; i < input.length; i++) {
    const character = input[i] ?? '';
    if (character === '\r' || character === '\n') continue;
    if (character === '=' && padded) {
      paddingAt = paddingAt < 0 ? i : paddingAt;
      continue;
    }
    if (paddingAt >= 0) return i;
    const value = BASE64_ALPHABET.indexOf(character);
    if (value < 0) return i;
    symbols.push({ value, at: i });
  }
  const remainder = symbols.length % 4;
  if (remainder === 1) return symbols[symbols.length - 1]?.at ?? 0;
  if (padded && remainder !== 0 && paddingAt < 0) return input.length;
  const bytes: number[] = [];
  for (let i = 0; i < symbols.length; i += 4) {
    const group = symbols.slice(i, i + 4).map((symbol) => symbol.value);
    const bits = group.reduce((accumulator, value) => (accumulator << 6) | value, 0) << (6 * (4 - group.length));
    const count = group.length - 1;
    for (let j = 0; j < count; j++) bytes.push((bits >> (16 - 8 * j)) & 0xff);
  }
  return bytes;
}

/**
 * encoding/json's error for the common case of a stray character where a value should start; JavaScript's
 * parser names the same character.
 */
function goJsonSyntaxError(json: string): string {
  try {
    JSON.parse(json);
  } catch (error) {
    const token = /Unexpected token '?(.)'?/.exec(error instanceof Error ? error.message : '');
    if (token) return `invalid character '${token[1]}' looking for beginning of value`;
  }
  return 'unexpected end of JSON input';
}
