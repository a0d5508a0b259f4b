/**
 * Removes secret values from anything about to be written to a log (design §6: passwords, tokens and `auth`
 * values never leave the server). Two nets: fields whose names say they hold a secret, and text patterns that
 * carry one (Authorization schemes, URL passwords, JWTs, `password=`/`"auth":` pairs). Values the server
 * knows to be secret (the access token, a password it was just sent) are registered and scrubbed anywhere.
 * Pure: no Node imports.
 */
import { encodeBase64 } from '../base64';

export const REDACTED = '[redacted]';

const MIN_KNOWN_SECRET_LENGTH = 4;
const MAX_DEPTH = 6;
const MAX_KNOWN_SECRETS = 2_000;

export class Redactor {
  private readonly known = new Set<string>();

  /** Scrubs this value (and its base64 form, as a docker `auth` would carry it) from everything redacted later. */
  protect(secret: string | null | undefined): void {
    if (!secret || secret.length < MIN_KNOWN_SECRET_LENGTH) return;
    this.known.add(secret);
    this.known.add(encodeBase64(secret));
    // Passwords typed into forms are protected per request: forget the oldest rather than grow without bound.
    for (const oldest of this.known) {
      if (this.known.size <= MAX_KNOWN_SECRETS) break;
      this.known.delete(oldest);
    }
  }

  /** Returns a copy safe to log: secret-named fields masked, secret patterns and known values scrubbed. */
  redact(value: unknown): unknown {
    return this.redactAt(value, 0, new WeakSet());
  }

  redactText(text: string): string {
    let result = text;
    for (const secret of [...this.known].sort((a, b) => b.length - a.length)) {
      result = result.split(secret).join(REDACTED);
    }
    return TEXT_PATTERNS.reduce((current, [pattern, replacement]) => current.replace(pattern, replacement), result);
  }

  private redactAt(value: unknown, depth: number, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value) || depth >= MAX_DEPTH) return '[…]';
    seen.add(value);
    // An error's message may quote a response; its stack names files: neither belongs in a log line verbatim.
    if (value instanceof Error) return { name: value.name, message: this.redactText(value.message) };
    if (Array.isArray(value)) return value.map((item) => this.redactAt(item, depth + 1, seen));
    const copy: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      copy[key] = isSecretFieldName(key) && field !== null && field !== undefined ? REDACTED : this.redactAt(field, depth + 1, seen);
    }
    return copy;
  }
}

const SECRET_FIELD = /^(pass(word|wd|phrase)?|pwd|secret(value|data)|auth|authorization|cookie|setcookie|bearer|apikey|privatekey|clientkey(data)?|dockerconfigjson|dockercfg|data|stringdata)$|(password|token|secret(value|data))$/;

/** `secret`, `secretName`, `secrets` or `credential` name things; `password`, `accessToken`, `.dockerconfigjson` hold them. */
export function isSecretFieldName(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  // `hasPassword`, `isTokenSet`: flags about a secret, which the API shows on purpose.
  return !/^(has|is)[a-z]/.test(normalized) && SECRET_FIELD.test(normalized);
}

const TEXT_PATTERNS: [RegExp, string][] = [
  // A credential after an auth scheme. A lowercase word after it is prose ("no basic auth credentials") or a
  // challenge parameter ("Bearer realm=…"), not a credential.
  [/\b([Bb]earer|[Bb]asic|[Tt]oken|BEARER|BASIC|TOKEN)\s+(?![a-z]+(?:[\s,;:)=]|$))[A-Za-z0-9._~+/=-]{6,}/g, `$1 ${REDACTED}`],
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]+@/gi, `$1:${REDACTED}@`],
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  [/("(?:auth|password|token|identitytoken|registrytoken|access_token|refresh_token|id_token)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`],
  [/\b(password|passwd|token|access_token|auth|secret)=[^\s&;,]+/gi, `$1=${REDACTED}`],
];
