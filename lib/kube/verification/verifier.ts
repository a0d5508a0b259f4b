import 'server-only';

import { createHmac, randomBytes } from 'node:crypto';
import type { ImageRef } from '../../image-ref';
import { probeAccess, type AccessProbe } from '../../registry/access-probe';
import type { RegistryClientOptions, RegistryLogin } from '../../registry/client';

/** One credential tested against one image, as the API shows it (no password, no fingerprint key). */
export interface CredentialCheck extends AccessProbe {
  checkedAt: string;
}

export interface VerifierOptions {
  /** How long an answer is reused for the same (credential, repository and reference). Default 5 minutes. */
  ttlMs?: number;
  /** Registry tests running at once, across registries. Default 4. */
  concurrency?: number;
  /** Tests started per registry host in any minute; more are answered `not-tested`, not queued. Default 30. */
  perRegistryPerMinute?: number;
  now?: () => number;
  registry?: RegistryClientOptions;
  /** The test itself; the registry client's by default. */
  probe?: (image: ImageRef, login: RegistryLogin, options: RegistryClientOptions) => Promise<AccessProbe>;
}

const MINUTE_MS = 60_000;

/**
 * Tests credentials against registries on the server, at a pace the registries and the person waiting can
 * bear: answers are cached per (credential fingerprint, repository and reference), a test already running is
 * joined rather than repeated, few run at once, and each registry host gets a bounded number per minute.
 */
export class CredentialVerifier {
  /** Registry tests actually started, by cache key: what the "one test per credential and repository" bound measures. */
  readonly probesStarted = new Map<string, number>();
  private readonly cache = new Map<string, { check: CredentialCheck; expiresAt: number }>();
  private readonly inFlight = new Map<string, Promise<CredentialCheck>>();
  private readonly started = new Map<string, number[]>();
  private readonly waiting: (() => void)[] = [];
  private readonly fingerprintKey = randomBytes(32);
  private running = 0;
  private readonly ttlMs: number;
  private readonly concurrency: number;
  private readonly perRegistryPerMinute: number;
  private readonly now: () => number;
  private readonly probe: NonNullable<VerifierOptions['probe']>;

  constructor(private readonly options: VerifierOptions = {}) {
    this.ttlMs = options.ttlMs ?? 5 * MINUTE_MS;
    this.concurrency = options.concurrency ?? 4;
    this.perRegistryPerMinute = options.perRegistryPerMinute ?? 30;
    this.now = options.now ?? Date.now;
    this.probe = options.probe ?? probeAccess;
  }

  /** The cached answer when fresh (unless `force`), else a test: joined when one is running for the same key. */
  async check(image: ImageRef, login: RegistryLogin, { force = false } = {}): Promise<CredentialCheck> {
    const key = this.keyOf(image, login);
    const cached = this.cache.get(key);
    if (!force && cached !== undefined && cached.expiresAt > this.now()) return cached.check;
    const running = this.inFlight.get(key);
    if (running !== undefined) return running;
    if (!this.admit(image.registry)) {
      return {
        result: 'not-tested',
        message: `pullfix tests at most ${this.perRegistryPerMinute} credentials a minute against ${image.registry}; this one waits for the next minute.`,
        loginAccepted: null,
        repositoryExists: null,
        checkedAt: new Date(this.now()).toISOString(),
      };
    }
    const test = this.run(key, image, login).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, test);
    return test;
  }

  /** The cached answer only, without contacting the registry. */
  peek(image: ImageRef, login: RegistryLogin): CredentialCheck | null {
    const cached = this.cache.get(this.keyOf(image, login));
    return cached !== undefined && cached.expiresAt > this.now() ? cached.check : null;
  }

  private async run(key: string, image: ImageRef, login: RegistryLogin): Promise<CredentialCheck> {
    await this.slot();
    try {
      this.probesStarted.set(key, (this.probesStarted.get(key) ?? 0) + 1);
      const probe = await this.probe(image, login, this.options.registry ?? {});
      const check = { ...probe, checkedAt: new Date(this.now()).toISOString() };
      // An answer that says nothing about the credential (the registry was unreachable) is not kept.
      if (check.result !== 'unreachable') this.cache.set(key, { check, expiresAt: this.now() + this.ttlMs });
      this.sweep();
      return check;
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }

  private slot(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.running += 1;
        resolve();
      }),
    );
  }

  /** A sliding minute per registry host. */
  private admit(registry: string): boolean {
    const now = this.now();
    const recent = (this.started.get(registry) ?? []).filter((at) => now - at < MINUTE_MS);
    if (recent.length >= this.perRegistryPerMinute) {
      this.started.set(registry, recent);
      return false;
    }
    recent.push(now);
    this.started.set(registry, recent);
    return true;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(key);
  }

  /** Keyed, so the cache's keys say nothing about the password even in a heap dump. */
  private keyOf(image: ImageRef, login: RegistryLogin): string {
    const fingerprint = createHmac('sha256', this.fingerprintKey).update(`${login.username}\0${login.password}`).digest('hex');
    return `${fingerprint} ${image.registry}/${image.repository}@${image.digest ?? image.tag ?? 'latest'}`;
  }
}
