import 'server-only';
/** The bearer tokens registries grant, shared by every session of this process unless a caller brings its own cache. */

/** Bearer tokens by (endpoint, realm, service, scope, credential fingerprint), kept until they expire. */
export class TokenCache {
  private readonly entries = new Map<string, { token: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): string | null {
    const entry = this.entries.get(key);
    if (entry === undefined) return null;
    if (entry.expiresAt > this.now()) return entry.token;
    this.entries.delete(key);
    return null;
  }

  /**
   * Lifetime counts from when the token arrived rather than the server's `issued_at`, so a skewed clock on
   * either side cannot keep a dead token; a small margin covers the time the next request takes.
   */
  set(key: string, token: string, lifetimeSeconds: number): void {
    const lifetimeMs = lifetimeSeconds * 1000;
    const now = this.now();
    for (const [other, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(other);
    this.entries.set(key, { token, expiresAt: now + lifetimeMs - Math.min(5000, lifetimeMs / 10) });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

export const sharedTokenCache = new TokenCache();
