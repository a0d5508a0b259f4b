import 'server-only';
import { createHash } from 'node:crypto';
import { encodeBase64 } from '../base64';
import { ImageRefError, parseImageRef, type ImageRef } from '../image-ref';
import { credentialFingerprint } from '../pull-secrets/fingerprint';
import { findChallenge, parseChallenges, type AuthChallenge } from './challenge';
import {
  credentialsAllowed,
  loadEndpointConfig,
  resolveEndpoint,
  SYSTEM_TRUST,
  trustForUrl,
  type RegistryEndpointConfig,
  type ResolvedEndpoint,
  type TransportTrust,
} from './endpoints';
import { RegistryError, type RegistryFailure } from './errors';
import { send, type HttpReply } from './transport';

export interface RegistryLogin {
  username: string;
  password: string;
}

export interface RegistryClientOptions {
  /** Per request, redirects included. Default 10 s. */
  timeoutMs?: number;
  /** Largest response body read. Default 4 MiB, the manifest size registries must accept. */
  maxBodyBytes?: number;
  /** Used instead of the file named by PULLFIX_REGISTRY_CONFIG. */
  endpoints?: RegistryEndpointConfig;
  tokenCache?: TokenCache;
}

export interface RegistryCheckSuccess {
  ok: true;
  digest: string;
  mediaType: string;
  /** "os/architecture[/variant]" of each image an index offers; null for a single-image manifest. */
  platforms: string[] | null;
  registry: string;
  repository: string;
  /** The tag or digest asked for. */
  reference: string;
}

export type RegistryCheckResult = RegistryCheckSuccess | RegistryFailure;

export interface TagListSuccess {
  ok: true;
  registry: string;
  repository: string;
  tags: string[];
  /** False when the page budget ran out (or the next page was on another origin) before the last page. */
  complete: boolean;
}

export type TagListResult = TagListSuccess | RegistryFailure;

export type { RegistryFailure } from './errors';

export const MANIFEST_MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

const MANIFEST_ACCEPT = Object.values(MANIFEST_MEDIA_TYPES).join(', ');
const INDEX_MEDIA_TYPES = new Set<string>([MANIFEST_MEDIA_TYPES.ociIndex, MANIFEST_MEDIA_TYPES.dockerManifestList]);
const MANIFEST_TYPES = new Set<string>(Object.values(MANIFEST_MEDIA_TYPES));
/** A registry's own message is quoted only this long, in printable characters. */
const REGISTRY_MESSAGE_MAX = 200;
/** OCI distribution error codes (`MANIFEST_UNKNOWN`) and OAuth ones (`invalid_token`). */
const REGISTRY_CODE = /^[A-Za-z][A-Za-z_]{0,63}$/;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_TAG_PAGES = 10;

/**
 * Can this image be pulled with this credential (or anonymously)? GETs the manifest: only its content proves
 * that a registry answered, and its digest that it is the image asked for (a HEAD's 200 and headers can come
 * from any web server). Docker Hub counts the GET against the pull limit, as the kubelet's own pull would.
 */
export async function checkImageAccess(
  image: string | ImageRef,
  credential: RegistryLogin | null,
  options: RegistryClientOptions = {},
): Promise<RegistryCheckResult> {
  return withSession(image, credential, options, async (session) => {
    const manifest = await session.fetchManifest();
    return session.success(manifest.digest, manifest.mediaType, manifest.platforms);
  });
}

/**
 * The platforms an image offers: an index's list, or for a single image the os/architecture of its
 * config blob.
 */
export async function fetchManifestPlatforms(
  image: string | ImageRef,
  credential: RegistryLogin | null,
  options: RegistryClientOptions = {},
): Promise<RegistryCheckResult> {
  return withSession(image, credential, options, async (session) => {
    const manifest = await session.fetchManifest();
    if (manifest.platforms !== null || manifest.configDigest === null) {
      return session.success(manifest.digest, manifest.mediaType, manifest.platforms);
    }
    const config = await session.fetchBlobJson(manifest.configDigest);
    const platform = platformName(config);
    return session.success(manifest.digest, manifest.mediaType, platform === null ? null : [platform]);
  });
}

/** The repository's tags, `limit` per page (the registry's `n`), following `Link` for at most `pages` pages. */
export async function listTags(
  image: string | ImageRef,
  credential: RegistryLogin | null,
  options: RegistryClientOptions & { limit?: number; pages?: number } = {},
): Promise<TagListResult> {
  return withSession(image, credential, options, async (session) => {
    const pages = options.pages ?? DEFAULT_TAG_PAGES;
    let url: URL | null = session.apiUrl(`/v2/${session.ref.repository}/tags/list`);
    if (options.limit !== undefined) url.searchParams.set('n', String(options.limit));
    const tags: string[] = [];
    for (let page = 0; page < pages && url !== null; page += 1) {
      const reply = await session.request('GET', url, 'application/json');
      if (reply.status !== 200) throw session.statusFailure(reply, 'tags');
      tags.push(...tagsOf(parseJson(reply.body)));
      url = nextPage(reply, session.origin);
    }
    return { ok: true, registry: session.ref.registry, repository: session.ref.repository, tags, complete: url === null };
  });
}

/**
 * Does the registry accept this login at all, whatever it allows it to pull? `docker login`'s question: a token
 * service refuses a wrong password outright; a Basic registry is asked `/v2/` with the credentials.
 */
export async function confirmLogin(
  image: string | ImageRef,
  credential: RegistryLogin,
  options: RegistryClientOptions = {},
): Promise<{ ok: true } | RegistryFailure> {
  return withSession(image, credential, options, async (session) => {
    await session.confirmLogin();
    return { ok: true as const };
  });
}

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

const sharedTokenCache = new TokenCache();

async function withSession<T extends { ok: true }>(
  image: string | ImageRef,
  credential: RegistryLogin | null,
  options: RegistryClientOptions,
  work: (session: RegistrySession) => Promise<T>,
): Promise<T | RegistryFailure> {
  let session: RegistrySession | null = null;
  try {
    const ref = typeof image === 'string' ? parseImageRef(image) : image;
    const config = options.endpoints ?? loadEndpointConfig();
    session = new RegistrySession(ref, resolveEndpoint(ref.registry, config), config, credential, options);
    await session.ping();
    return await work(session);
  } catch (error) {
    const secrets = [...(credential === null ? [] : [credential.password]), ...(session?.secrets ?? [])];
    return scrub(toFailure(error), secrets);
  }
}

function toFailure(error: unknown): RegistryFailure {
  if (error instanceof RegistryError) return error.toFailure();
  if (error instanceof ImageRefError) {
    return new RegistryError('invalid-reference', 'unknown', `The image reference is not valid: ${error.message}`).toFailure();
  }
  throw error;
}

/** Last line of defence: whatever a registry echoes, no password or token leaves in a failure. */
function scrub(failure: RegistryFailure, secrets: string[]): RegistryFailure {
  const hide = (text: string) => secrets.reduce((result, secret) => (secret === '' ? result : result.split(secret).join('***')), text);
  return {
    ...failure,
    message: hide(failure.message),
    registryMessage: failure.registryMessage === null ? null : hide(failure.registryMessage),
  };
}

interface FetchedManifest {
  digest: string;
  mediaType: string;
  platforms: string[] | null;
  configDigest: string | null;
}

type Subject = 'ping' | 'token' | 'manifest' | 'tags' | 'blob';

/** One conversation with one registry about one repository: the auth it negotiated and the secrets it saw. */
class RegistrySession {
  readonly secrets: string[] = [];
  readonly origin: string;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly tokenCache: TokenCache;
  private readonly scope: string;
  private authorization: string | null = null;
  private bearer: { cacheKey: string; fromCache: boolean } | null = null;

  constructor(
    readonly ref: ImageRef,
    private readonly endpoint: ResolvedEndpoint,
    private readonly config: RegistryEndpointConfig,
    private readonly credential: RegistryLogin | null,
    options: RegistryClientOptions,
  ) {
    this.origin = new URL(endpoint.url).origin;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.tokenCache = options.tokenCache ?? sharedTokenCache;
    this.scope = `repository:${ref.repository}:pull`;
    if (credential !== null) this.secrets.push(credential.password, basicAuthorization(credential));
    if (credential !== null && !endpoint.credentialsAllowed) {
      throw new RegistryError(
        'insecure-endpoint',
        'tls',
        `Credentials are not sent to ${endpoint.url} over plain HTTP: serve the registry over HTTPS, or mark ${endpoint.host} insecure in the registry configuration.`,
      );
    }
  }

  get reference(): string {
    return this.ref.digest ?? this.ref.tag ?? 'latest';
  }

  apiUrl(path: string): URL {
    return new URL(`${this.endpoint.url}${path}`);
  }

  manifestUrl(): URL {
    return this.apiUrl(`/v2/${this.ref.repository}/manifests/${this.reference}`);
  }

  success(digest: string, mediaType: string, platforms: string[] | null): RegistryCheckSuccess {
    return { ok: true, digest, mediaType, platforms, registry: this.ref.registry, repository: this.ref.repository, reference: this.reference };
  }

  /** `GET /v2/`: learns how the registry wants us to authenticate. */
  async ping(): Promise<void> {
    const reply = await this.exchange('GET', this.apiUrl('/v2/'), 'application/json');
    if (reply.status === 200) return;
    if (reply.status === 401) {
      await this.authenticate(reply);
      return;
    }
    throw this.statusFailure(reply, 'ping');
  }

  /** After `ping`: a bearer token was granted (so the password was accepted), or Basic credentials are tried on `/v2/`. */
  async confirmLogin(): Promise<void> {
    if (this.authorization === null || this.bearer !== null) return;
    const reply = await this.exchange('GET', this.apiUrl('/v2/'), 'application/json');
    if (reply.status !== 200) throw this.statusFailure(reply, 'token');
  }

  /**
   * Sends with the negotiated authorization. A 401 gets one more try when it can change anything: a
   * cached token may have been revoked, and a registry whose `/v2/` was open may guard this resource.
   */
  async request(method: 'GET' | 'HEAD', url: URL, accept: string): Promise<HttpReply> {
    const reply = await this.exchange(method, url, accept);
    if (reply.status !== 401) return reply;
    if (this.authorization !== null && this.bearer?.fromCache !== true) return reply;
    if (this.bearer !== null) this.tokenCache.delete(this.bearer.cacheKey);
    await this.authenticate(reply, { fresh: true });
    if (this.authorization === null) return reply;
    return this.exchange(method, url, accept);
  }

  async fetchManifest(): Promise<FetchedManifest> {
    const reply = await this.request('GET', this.manifestUrl(), MANIFEST_ACCEPT);
    if (reply.status !== 200) throw this.statusFailure(reply, 'manifest');
    const document = parseJson(reply.body);
    const mediaType = contentType(reply) ?? stringField(document, 'mediaType') ?? MANIFEST_MEDIA_TYPES.dockerManifest;
    const digest = `sha256:${createHash('sha256').update(reply.body).digest('hex')}`;
    this.assertManifest(document, mediaType, digest, headerValue(reply, 'docker-content-digest'));
    const isIndex = INDEX_MEDIA_TYPES.has(mediaType);
    const config = isObject(document) ? document.config : undefined;
    return {
      digest,
      mediaType,
      platforms: isIndex ? indexPlatforms(document) : null,
      configDigest: isIndex ? null : stringField(config, 'digest'),
    };
  }

  /**
   * A 200 proves nothing by itself — any web server answers 200. The body must be an OCI or Docker schema 2
   * manifest or index, and its sha256 must be the digest the registry announced and the one the image pins.
   */
  private assertManifest(document: unknown, mediaType: string, digest: string, announced: string | null): void {
    const host = this.endpoint.host;
    const isIndex = INDEX_MEDIA_TYPES.has(mediaType);
    const shaped =
      MANIFEST_TYPES.has(mediaType) &&
      isObject(document) &&
      document.schemaVersion === 2 &&
      (isIndex ? Array.isArray(document.manifests) : isObject(document.config) && Array.isArray(document.layers));
    if (!shaped) throw new RegistryError('not-a-manifest', 'unknown', `${host} answered 200, but not with an OCI or Docker image manifest: is it a registry?`);
    for (const expected of [announced, this.ref.digest]) {
      if (expected !== null && expected !== undefined && expected.startsWith('sha256:') && expected !== digest) {
        throw new RegistryError('digest-mismatch', 'unknown', `${host} sent a manifest whose digest is ${digest}, not ${expected}: the content does not match what was asked for.`);
      }
    }
  }

  async fetchBlobJson(digest: string): Promise<unknown> {
    const reply = await this.request('GET', this.apiUrl(`/v2/${this.ref.repository}/blobs/${digest}`), '*/*');
    if (reply.status !== 200) throw this.statusFailure(reply, 'blob');
    return parseJson(reply.body);
  }

  statusFailure(reply: HttpReply, subject: Subject): RegistryError {
    const { code, message } = registryErrorOf(reply);
    const cause = causeOf(reply.status, code, subject);
    return new RegistryError(`http-${reply.status}`, cause, this.describe(cause, reply.status, code, message, subject), {
      status: reply.status,
      registryCode: code,
      registryMessage: message,
    });
  }

  private exchange(method: 'GET' | 'HEAD', url: URL, accept: string): Promise<HttpReply> {
    const sameOrigin = url.origin === this.origin;
    return send({
      method,
      url,
      headers: { accept, 'user-agent': 'pullfix' },
      authorization: sameOrigin ? this.authorization : null,
      trust: sameOrigin ? this.endpoint.trust : this.trustFor(url),
      trustFor: (target) => this.trustFor(target),
      timeoutMs: this.timeoutMs,
      maxBodyBytes: this.maxBodyBytes,
    });
  }

  private trustFor(url: URL): TransportTrust {
    return trustForUrl(url, this.config)?.trust ?? SYSTEM_TRUST;
  }

  private async authenticate(reply: HttpReply, { fresh = false } = {}): Promise<void> {
    const challenges = parseChallenges(headerValue(reply, 'www-authenticate') ?? '');
    const bearer = findChallenge(challenges, 'bearer');
    if (bearer !== undefined && bearer.params.realm !== undefined) {
      await this.useBearer(bearer, fresh);
    } else if (findChallenge(challenges, 'basic') !== undefined && this.credential !== null) {
      this.authorization = basicAuthorization(this.credential);
    }
  }

  private async useBearer(challenge: AuthChallenge, fresh: boolean): Promise<void> {
    const realm = this.realmUrl(challenge);
    const cacheKey = [this.endpoint.url, realm.origin + realm.pathname, challenge.params.service ?? '', this.scope, loginFingerprint(this.credential)].join(' ');
    const cached = fresh ? null : this.tokenCache.get(cacheKey);
    const token = cached ?? (await this.fetchToken(realm, cacheKey));
    this.secrets.push(token);
    this.authorization = `Bearer ${token}`;
    this.bearer = { cacheKey, fromCache: cached !== null };
  }

  private realmUrl(challenge: AuthChallenge): URL {
    let realm: URL;
    try {
      realm = new URL(challenge.params.realm ?? '');
    } catch {
      throw new RegistryError('bad-realm', 'unknown', `${this.endpoint.host} named an invalid token service address.`);
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
      throw new RegistryError('bad-realm', 'unknown', `${this.endpoint.host} named a token service that is not HTTP.`);
    }
    const service = challenge.params.service;
    if (service !== undefined) realm.searchParams.set('service', service);
    realm.searchParams.set('scope', this.scope);
    if (this.credential !== null) realm.searchParams.set('account', this.credential.username);
    return realm;
  }

  private async fetchToken(realm: URL, cacheKey: string): Promise<string> {
    const configured = trustForUrl(realm, this.config);
    // A realm on the registry's own host (another port or path) is trusted as the registry is.
    const sameHost = realm.hostname === new URL(this.endpoint.url).hostname;
    const trust = configured?.trust ?? (sameHost ? this.endpoint.trust : SYSTEM_TRUST);
    const insecure = configured?.insecure ?? (sameHost && this.endpoint.insecure);
    if (this.credential !== null && !credentialsAllowed(realm, insecure)) {
      throw new RegistryError(
        'insecure-realm',
        'tls',
        `Credentials are not sent to the token service ${realm.origin} over plain HTTP: it must use HTTPS, or be marked insecure in the registry configuration.`,
      );
    }
    const reply = await send({
      method: 'GET',
      url: realm,
      headers: { accept: 'application/json', 'user-agent': 'pullfix' },
      authorization: this.credential === null ? null : basicAuthorization(this.credential),
      trust,
      trustFor: (target) => this.trustFor(target),
      timeoutMs: this.timeoutMs,
      maxBodyBytes: this.maxBodyBytes,
    });
    if (reply.status !== 200) throw this.statusFailure(reply, 'token');
    const body = parseJson(reply.body);
    const token = stringField(body, 'token') ?? stringField(body, 'access_token');
    if (token === null || token === '') {
      throw new RegistryError('no-token', 'unknown', `The token service of ${this.endpoint.host} answered without a token.`);
    }
    const expiresIn = isObject(body) && typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    this.tokenCache.set(cacheKey, token, expiresIn);
    return token;
  }

  private describe(cause: RegistryFailure['cause'], status: number, code: string | null, said: string | null, subject: Subject): string {
    const host = this.endpoint.host;
    const repository = this.ref.repository;
    const who = this.credential === null ? null : this.credential.username;
    const image = `${repository}${this.ref.digest !== null ? '@' : ':'}${this.reference}`;
    const registrySaid = said === null ? '' : ` The registry said: ${code === null ? '' : `${code}: `}${said.slice(0, 200)}`;
    const text = (() => {
      switch (cause) {
        case 'unauthorized':
          if (subject === 'token') {
            return who === null
              ? `${host} would not give an anonymous token for ${repository}: it needs credentials.`
              : `${host} rejected the credentials of ${who}: check the username and password (or access token).`;
          }
          return who === null
            ? `${host} requires credentials to pull ${repository}, or the repository does not exist.`
            : `${host} refused ${who} access to ${repository}: the password may be wrong, the user may not pull this repository, or it does not exist.`;
        case 'not-found':
          return code === 'NAME_UNKNOWN' || subject === 'tags'
            ? `The repository ${repository} does not exist on ${host}.`
            : `${image} does not exist on ${host}: check the tag or digest.`;
        case 'rate-limit':
          return `${host} is rate-limiting pulls (HTTP ${status}): authenticate the pulls, wait, or pull through a mirror.`;
        case 'registry-unavailable':
          return `${host} answered HTTP ${status}: the registry is having trouble; try again later.`;
        default:
          return subject === 'ping'
            ? `${this.endpoint.url} does not serve the registry API at /v2/ (HTTP ${status}): check the registry name, or its endpoint in the registry configuration.`
            : `${host} answered HTTP ${status} unexpectedly.`;
      }
    })();
    return text + registrySaid;
  }
}

function causeOf(status: number, code: string | null, subject: Subject): RegistryFailure['cause'] {
  if (status === 429 || code === 'TOOMANYREQUESTS') return 'rate-limit';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status >= 500) return 'registry-unavailable';
  if (status === 404 && subject !== 'ping') return 'not-found';
  return 'unknown';
}

/**
 * The registry's own words: `{"errors":[{code,message}]}` from the API, `details`/`error` from token services.
 * Reduced to an error code of the spec's grammar and a short printable message: a registry (or whatever
 * answers in its place) must not put its internals, or megabytes, in pullfix's answers.
 */
function registryErrorOf(reply: HttpReply): { code: string | null; message: string | null } {
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

function indexPlatforms(document: unknown): string[] {
  const manifests = isObject(document) && Array.isArray(document.manifests) ? (document.manifests as unknown[]) : [];
  const platforms = new Set<string>();
  for (const entry of manifests) {
    if (!isObject(entry)) continue;
    // BuildKit lists attestations as "unknown/unknown" images; they are not something a node can run.
    if (isObject(entry.annotations) && entry.annotations['vnd.docker.reference.type'] === 'attestation-manifest') continue;
    const platform = platformName(entry.platform);
    if (platform !== null) platforms.add(platform);
  }
  return [...platforms];
}

function platformName(platform: unknown): string | null {
  const os = stringField(platform, 'os');
  const architecture = stringField(platform, 'architecture');
  if (os === null || architecture === null) return null;
  const variant = stringField(platform, 'variant');
  return variant === null ? `${os}/${architecture}` : `${os}/${architecture}/${variant}`;
}

function tagsOf(document: unknown): string[] {
  const tags = isObject(document) ? document.tags : undefined;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [];
}

/** RFC 8288 `Link: </v2/…/tags/list?n=1&last=a>; rel="next"`; a next page on another origin is not followed. */
function nextPage(reply: HttpReply, origin: string): URL | null {
  const link = headerValue(reply, 'link');
  if (link === null) return null;
  for (const part of link.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (match === null || !/;\s*rel="?next"?/i.test(match[2] ?? '')) continue;
    const next = new URL(match[1] ?? '', reply.url);
    return next.origin === origin ? next : null;
  }
  return null;
}

function basicAuthorization(credential: RegistryLogin): string {
  return `Basic ${encodeBase64(`${credential.username}:${credential.password}`)}`;
}

/** Keyed so the cache's keys reveal nothing about the password, even in a heap dump. */
function loginFingerprint(credential: RegistryLogin | null): string {
  return credential === null ? 'anonymous' : credentialFingerprint(`${credential.username}:${credential.password}`);
}

function headerValue(reply: HttpReply, name: string): string | null {
  const value = reply.headers[name];
  if (Array.isArray(value)) return value.join(', ');
  return value ?? null;
}

function contentType(reply: HttpReply): string | null {
  const value = headerValue(reply, 'content-type');
  return value === null ? null : (value.split(';')[0] ?? '').trim() || null;
}

function parseJson(body: Buffer): unknown {
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(value: unknown, key: string): string | null {
  if (!isObject(value)) return null;
  const field = value[key];
  return typeof field === 'string' ? field : null;
}
