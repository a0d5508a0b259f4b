import 'server-only';
/** Reading a registry's HTTP answer: headers, JSON bodies, and its own error code and message, made safe to quote. */
import { parseChallenges } from './challenge';
import { RegistryError } from './errors';
import type { HttpReply } from './transport';

/** A registry's own message is quoted only this long, in printable characters. */
const REGISTRY_MESSAGE_MAX = 200;
/** OCI distribution error codes (`MANIFEST_UNKNOWN`) and OAuth ones (`invalid_token`). */
const REGISTRY_CODE = /^[A-Za-z][A-Za-z_]{0,63}$/;

/**
 * The registry's own words: `{"errors":[{code,message}]}` from the API, `details`/`error` from token services.
 * Reduced to an error code of the spec's grammar and a short printable message: a registry (or whatever
 * answers in its place) must not put its internals, or megabytes, in pullfix's answers.
 */
export function registryErrorOf(reply: HttpReply): { code: string | null; message: string | null } {
  const body = reply.body.length > 0 ? parseJsonOrNull(reply.body) : null;
  const first = isObject(body) && Array.isArray(body.errors) ? (body.errors[0] as unknown) : undefined;
  const challengeError = parseChallenges(headerValue(reply, 'www-authenticate') ?? '')[0]?.params.error ?? null;
  const code = stringField(first, 'code') ?? stringField(body, 'error') ?? challengeError;
  const message =
    stringField(first, 'message') ?? stringField(body, 'details') ?? stringField(body, 'error_description') ?? stringField(body, 'message');
  return { code: code !== null && REGISTRY_CODE.test(code) ? code : null, message: message === null ? null : sanitizedMessage(message) };
}

function sanitizedMessage(text: string): string | null {
  const printable = text
    .replace(/[^\x20-\x7e]+/g, ' ')
    // Absolute paths and source locations say where the registry's files are, nothing the person can act on.
    .replace(/(^|[\s(=:'"])\.{0,2}\/(?:[\w.-]+\/)*[\w.-]+(?::\d+)*/g, '$1…')
    .replace(/\s+/g, ' ')
    .trim();
  if (printable === '') return null;
  return printable.length > REGISTRY_MESSAGE_MAX ? `${printable.slice(0, REGISTRY_MESSAGE_MAX - 1)}…` : printable;
}

export function headerValue(reply: HttpReply, name: string): string | null {
  const value = reply.headers[name];
  if (Array.isArray(value)) return value.join(', ');
  return value ?? null;
}

export function contentType(reply: HttpReply): string | null {
  const value = headerValue(reply, 'content-type');
  return value === null ? null : (value.split(';')[0] ?? '').trim() || null;
}

export function parseJson(body: Buffer): unknown {
  const parsed = parseJsonOrNull(body);
  if (parsed === null) throw new RegistryError('bad-json', 'unknown', 'The registry answered with something that is not JSON.');
  return parsed;
}

function parseJsonOrNull(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(value: unknown, key: string): string | null {
  if (!isObject(value)) return null;
  const field = value[key];
  return typeof field === 'string' ? field : null;
}
