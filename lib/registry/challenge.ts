import 'server-only';

/** One challenge of a `WWW-Authenticate` header (RFC 7235 §4.1). */
export interface AuthChallenge {
  /** Lower-cased: schemes compare case-insensitively. */
  scheme: string;
  /** Parameter names lower-cased; quoted values unescaped. The first of a repeated name wins. */
  params: Record<string, string>;
  token68: string | null;
}

/**
 * Parses every challenge in a `WWW-Authenticate` value, e.g.
 * `Bearer realm="https://auth.docker.io/token",service="registry.docker.io", Basic realm="x"`.
 * Commas separate both challenges and parameters, so a comma starts a new challenge only when what follows
 * it is not `name=value`. Malformed stretches are skipped rather than thrown on: a registry's header is
 * outside our control and one bad challenge must not hide the others.
 */
export function parseChallenges(header: string): AuthChallenge[] {
  const scanner = new Scanner(header);
  const challenges: AuthChallenge[] = [];
  while (!scanner.done()) {
    scanner.skipListSeparators();
    if (scanner.done()) break;
    const scheme = scanner.token();
    if (scheme === null) {
      scanner.skipPastComma();
      continue;
    }
    challenges.push(readChallengeBody(scanner, scheme.toLowerCase()));
    scanner.skipOptionalSpaces();
    if (!scanner.done() && !scanner.atComma()) scanner.skipPastComma();
  }
  return challenges;
}

/** The first challenge of the given scheme, if any. */
export function findChallenge(challenges: AuthChallenge[], scheme: string): AuthChallenge | undefined {
  const wanted = scheme.toLowerCase();
  return challenges.find((challenge) => challenge.scheme === wanted);
}

function readChallengeBody(scanner: Scanner, scheme: string): AuthChallenge {
  const params: Record<string, string> = Object.create(null);
  const challenge: AuthChallenge = { scheme, params, token68: null };
  if (!scanner.skipSpaces()) return challenge;

  const first = scanner.attempt(() => scanner.authParam());
  if (first === null) {
    challenge.token68 = scanner.attempt(() => scanner.token68());
    return challenge;
  }
  addParam(params, first);
  for (;;) {
    const next = scanner.attempt(() => {
      scanner.skipOptionalSpaces();
      if (!scanner.consume(',')) return null;
      scanner.skipListSeparators();
      return scanner.authParam();
    });
    if (next === null) return challenge;
    addParam(params, next);
  }
}

function addParam(params: Record<string, string>, [name, value]: [string, string]): void {
  const key = name.toLowerCase();
  if (!(key in params)) params[key] = value;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

class Scanner {
  private position = 0;

  constructor(private readonly text: string) {}

  done(): boolean {
    return this.position >= this.text.length;
  }

  /** Runs `read`; when it yields null the position is restored, so callers can try alternatives. */
  attempt<T>(read: () => T | null): T | null {
    const start = this.position;
    const result = read();
    if (result === null) this.position = start;
    return result;
  }

  atComma(): boolean {
    return this.text[this.position] === ',';
  }

  consume(char: string): boolean {
    if (this.text[this.position] !== char) return false;
    this.position += 1;
    return true;
  }

  /** Returns whether any space was skipped. */
  skipSpaces(): boolean {
    const start = this.position;
    this.skipOptionalSpaces();
    return this.position > start;
  }

  skipOptionalSpaces(): void {
    while (this.text[this.position] === ' ' || this.text[this.position] === '\t') this.position += 1;
  }

  /** RFC 7230 §7 lets lists hold empty elements: `, ,Basic`. */
  skipListSeparators(): void {
    for (;;) {
      this.skipOptionalSpaces();
      if (!this.consume(',')) return;
    }
  }

  skipPastComma(): void {
    const comma = this.text.indexOf(',', this.position);
    this.position = comma === -1 ? this.text.length : comma + 1;
  }

  token(): string | null {
    const start = this.position;
    while (!this.done() && TCHAR.test(this.text[this.position] ?? '')) this.position += 1;
    return this.position > start ? this.text.slice(start, this.position) : null;
  }

  /** `name BWS "=" BWS ( token / quoted-string )` */
  authParam(): [string, string] | null {
    const name = this.token();
    if (name === null) return null;
    this.skipOptionalSpaces();
    if (!this.consume('=')) return null;
    this.skipOptionalSpaces();
    const value = this.text[this.position] === '"' ? this.quotedString() : this.token();
    return value === null ? null : [name, value];
  }

  /** A token68 must be the whole rest of its challenge: followed by the end or a list comma. */
  token68(): string | null {
    const start = this.position;
    while (!this.done() && TOKEN68_CHAR.test(this.text[this.position] ?? '')) this.position += 1;
    if (this.position === start) return null;
    while (this.text[this.position] === '=') this.position += 1;
    const value = this.text.slice(start, this.position);
    this.skipOptionalSpaces();
    return this.done() || this.text[this.position] === ',' ? value : null;
  }

  private quotedString(): string | null {
    this.position += 1;
    let value = '';
    while (!this.done()) {
      const char = this.text[this.position] ?? '';
      this.position += 1;
      if (char === '"') return value;
      if (char === '\\') {
        if (this.done()) return null;
        value += this.text[this.position];
        this.position += 1;
      } else {
        value += char;
      }
    }
    return null;
  }
}
