import 'server-only';
/**
 * One conversation with one registry: the `/v2/` ping, Basic or Bearer authentication (tokens cached), the
 * manifest fetch and its verification, blobs, and the failure a registry's answer turns into.
 */
import { createHash } from 'node:crypto';
import { encodeBase64 } from '../base64';
import type { ImageRef } from '../image-ref';
import { credentialFingerprint } from '../pull-secrets/fingerprint';
import { findChallenge, parseChallenges, type AuthChallenge } from './challenge';
import {
  credentialsAllowed,
  SYSTEM_TRUST,
  trustForUrl,
  type RegistryEndpointConfig,
  type ResolvedEndpoint,
  type TransportTrust,
} from './endpoints';
import { RegistryError, type RegistryFailure } from './errors';
import { indexPlatforms, INDEX_MEDIA_TYPES, MANIFEST_ACCEPT, MANIFEST_MEDIA_TYPES, MANIFEST_TYPES } from './manifest';
import { contentType, headerValue, isObject, parseJson, registryErrorOf, stringField } from './reply';
import { sharedTokenCache, type TokenCache } from './token-cache';
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

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

interface FetchedManifest {
  digest: string;
  mediaType: string;
  platforms: string[] | null;
  configDigest: string | null;
}

type Subject = 'ping' | 'token' | 'manifest' | 'tags' | 'blob';

/** One conversation with one registry about one repository: the auth it negotiated and the secrets it saw. */
export class RegistrySession {
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

function basicAuthorization(credential: RegistryLogin): string {
  return `Basic ${encodeBase64(`${credential.username}:${credential.password}`)}`;
}

/** Keyed so the cache's keys reveal nothing about the password, even in a heap dump. */
function loginFingerprint(credential: RegistryLogin | null): string {
  return credential === null ? 'anonymous' : credentialFingerprint(`${credential.username}:${credential.password}`);
}
