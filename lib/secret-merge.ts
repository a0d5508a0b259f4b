import 'server-only';
/**
 * Replacing a pull secret's data is a merge: the entry for the registry being fixed is written (as
 * `kubectl create secret docker-registry` writes one) and every other registry's entry stays byte for byte
 * as it was. Pure, but it handles the credentials themselves, so only the server imports it; what it hands
 * back for the page (SecretChange rows) holds servers and usernames only.
 */
import { decodeBase64Text, encodeBase64 } from './base64';
import { goFoldFieldName } from './go/json';
import {
  DOCKERCFG_KEY,
  DOCKERCFG_TYPE,
  DOCKER_CONFIG_JSON_KEY,
  DOCKER_CONFIG_JSON_TYPE,
  DEFAULT_REGISTRY_HOST,
  PullSecretError,
  dockerConfigJson,
} from './pull-secrets';
import { kubeletIndexKey } from './pull-secrets/keyring';
import { readPullSecret, type PullSecretInput } from './pull-secrets/read';
import type { SecretChange, SecretEntryDiff, SecretEntryView } from './secret-diff';

export interface NewEntry {
  server: string;
  username: string;
  password: string;
  email?: string | null;
}

export interface MergedSecret {
  /** The data to write: the existing entries with this registry's replaced, or a fresh config when none could be read. */
  data: Record<string, string>;
  change: Omit<SecretChange, 'secret' | 'users'>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/**
 * The secret's data with `entry` written in place of every entry for the same registry (the first keeps its
 * place, later duplicates go: the kubelet would read only one of them), the other entries and any other field
 * of the config kept. A secret whose data the kubelet cannot read is replaced whole by kubectl's config for the
 * entry, and the change says why.
 */
export function mergePullSecretEntry(existing: PullSecretInput, entry: NewEntry): MergedSecret {
  const legacy = existing.type === DOCKERCFG_TYPE;
  const dataKey = legacy ? DOCKERCFG_KEY : DOCKER_CONFIG_JSON_KEY;
  let before: SecretEntryView[];
  let document: Json;
  try {
    before = entryViews(existing);
    document = JSON.parse(decodeBase64Text(existing.data?.[dataKey] ?? '')) as Json;
  } catch (error) {
    return replacedWhole(entry, error instanceof PullSecretError ? error.message : `data["${dataKey}"] is not standard base64 JSON`);
  }
  const written = kubectlEntry(entry);
  const merged = legacy ? mergeEntries(asObject(document), entry.server, written) : mergeAuths(asObject(document), entry.server, written);
  const data = { ...existing.data, [dataKey]: encodeBase64(JSON.stringify(merged)) };
  const after = entryViews({ type: existing.type, data });
  return { data, change: { before, unreadable: null, after, entries: diffRows(before, after, entry.server) } };
}

function replacedWhole(entry: NewEntry, unreadable: string): MergedSecret {
  const data = { [DOCKER_CONFIG_JSON_KEY]: encodeBase64(kubectlConfig(entry)) };
  const after = entryViews({ type: DOCKER_CONFIG_JSON_TYPE, data });
  return { data, change: { before: null, unreadable, after, entries: after.map((view) => ({ change: 'added', before: null, after: view })) } };
}

/** Whether two config keys name one registry, as the kubelet files them (scheme, /v1/, /v2/ dropped; Docker Hub's two names folded). */
export function sameRegistry(a: string, b: string): boolean {
  return registryKey(a) === registryKey(b);
}

function registryKey(server: string): string {
  const index = kubeletIndexKey(server);
  if (!index.ok) return `unparsable:${server}`;
  const key = index.indexKey.replace(/\/+$/, '');
  return key === 'docker.io' ? DEFAULT_REGISTRY_HOST : key;
}

function kubectlConfig(entry: NewEntry): string {
  return dockerConfigJson({ server: entry.server, username: entry.username, password: entry.password, email: entry.email ?? null });
}

/** The entry object exactly as kubectl writes it: username, password, email when set, auth. */
function kubectlEntry(entry: NewEntry): JsonObject {
  const config = JSON.parse(kubectlConfig(entry)) as { auths: Record<string, JsonObject> };
  return config.auths[entry.server] ?? {};
}

/** A `.dockerconfigjson` document: its auths map merged (Go matches the field name case-insensitively), the rest kept. */
function mergeAuths(document: JsonObject, server: string, written: JsonObject): JsonObject {
  const field = Object.keys(document).find((key) => goFoldFieldName(key) === 'AUTHS') ?? 'auths';
  return { ...document, [field]: mergeEntries(asObject(document[field] ?? null), server, written) };
}

function mergeEntries(entries: JsonObject, server: string, written: JsonObject): JsonObject {
  const result: JsonObject = {};
  let placed = false;
  for (const [key, value] of Object.entries(entries)) {
    if (!sameRegistry(key, server)) {
      result[key] = value;
    } else if (!placed) {
      result[server] = written;
      placed = true;
    }
  }
  if (!placed) result[server] = written;
  return result;
}

function asObject(value: Json): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}

function entryViews(secret: PullSecretInput): SecretEntryView[] {
  return readPullSecret(secret).entries.map((entry) => ({ server: entry.server, username: entry.username === '' ? null : entry.username, hasPassword: entry.credential !== null }));
}

/** Before and after paired by registry: the entries for `server` replaced (or added), the others kept. */
function diffRows(before: SecretEntryView[], after: SecretEntryView[], server: string): SecretEntryDiff[] {
  const rows: SecretEntryDiff[] = [];
  const written = after.find((view) => view.server === server) ?? null;
  let paired = false;
  for (const view of before) {
    if (!sameRegistry(view.server, server)) rows.push({ change: 'kept', before: view, after: view });
    else if (!paired) {
      rows.push({ change: 'replaced', before: view, after: written });
      paired = true;
    } else rows.push({ change: 'removed', before: view, after: null });
  }
  if (!paired) rows.push({ change: 'added', before: null, after: written });
  return rows;
}
