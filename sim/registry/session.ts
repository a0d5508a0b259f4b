import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { PullCredential } from '../contracts';
import type { RegistryRoute } from './index';

/**
 * What went wrong in a pull, apart from any runtime's words for it: each runtime dialect words these facts
 * its own way (sim/cluster/runtime-dialects.ts).
 */
export type PullFailureFact =
  /** The request never got an answer; `detail` is Go's text for the network failure. */
  | { kind: 'transport'; method: 'HEAD' | 'GET'; url: string; detail: string; refused: boolean }
  /** The token service refused to issue a token. */
  | { kind: 'token-status'; url: string; status: number; statusLine: string; withSecret: boolean }
  /** A bearer challenge naming an error (insufficient_scope) on a request already sent with a token. */
  | { kind: 'challenge-denied'; error: string }
  /** A basic-auth challenge and no credentials to answer it. */
  | { kind: 'no-basic-auth' }
  /** The registry answered the manifest or blob request with an error status. */
  | { kind: 'status'; method: 'HEAD' | 'GET'; url: string; status: number; statusLine: string; registryErrors: string | null }
  | { kind: 'not-found' }
  | { kind: 'platform' };

/**
 * A pull failure, worded as containerd words it. `invalidAuthorization` is errors.Is(err, ErrInvalidAuthorization);
 * `fact` is the failure itself, for the other runtimes' words (null where every runtime says the same).
 */
export class PullError extends Error {
  readonly invalidAuthorization: boolean;
  readonly fact: PullFailureFact | null;

  constructor(message: string, options: { invalidAuthorization?: boolean; fact?: PullFailureFact | null } = {}) {
    super(message);
    this.name = 'PullError';
    this.invalidAuthorization = options.invalidAuthorization ?? false;
    this.fact = options.fact ?? null;
  }

  /** fmt.Errorf("<prefix>: %w", err); anything that is not a pull failure is a bug and propagates as is. */
  static wrap(prefix: string, error: unknown): PullError {
    if (!(error instanceof PullError)) throw error;
    return new PullError(`${prefix}: ${error.message}`, { invalidAuthorization: error.invalidAuthorization, fact: error.fact });
  }
}

export interface RegistryResponse {
  method: 'HEAD' | 'GET';
  /** The URL as a node would have requested it (https://registry-1.docker.io/v2/...), for messages. */
  publicUrl: string;
  status: number;
  /** Go's resp.Status: "401 Unauthorized". */
  statusLine: string;
  headers: Record<string, string | undefined>;
  challenges: string[];
  body: Buffer;
}

export interface SessionOptions {
  /** The registry host as the image names it: 'docker.io', 'ghcr.io', 'localhost:5000'. */
  registryHost: string;
  repository: string;
  /** Where the host is really served; null when its name does not resolve. */
  route: RegistryRoute | null;
  credential: PullCredential | null;
  timeoutMs: number;
}

/**
 * containerd's docker `request` and `dockerAuthorizer` for one pull attempt: requests against one repository
 * of one registry host, retried after a 401 once the challenge is understood (bearer token or basic), after
 * a 405 on a manifest HEAD (as GET) and after 408/429, at most six responses in all.
 */
export class RegistrySession {
  private authorization: Authorization | null = null;
  private readonly publicBase: string;

  constructor(private readonly options: SessionOptions) {
    this.publicBase = publicRegistryBase(options.registryHost);
  }

  async request(method: 'HEAD' | 'GET', path: string, accept?: string): Promise<RegistryResponse> {
    const responses: RegistryResponse[] = [];
    let currentMethod = method;
    for (;;) {
      const response = await this.send(currentMethod, path, accept);
      responses.push(response);
      if (responses.length > MAX_RETRIED_RESPONSES) return response;
      if (response.status === 401) {
        if (this.addResponses(responses)) continue;
        return response;
      }
      if (response.status === 405 && currentMethod === 'HEAD' && path.startsWith('manifests/')) {
        currentMethod = 'GET';
        continue;
      }
      if (response.status === 408 || response.status === 429) continue;
      return response;
    }
  }

  private async send(method: 'HEAD' | 'GET', path: string, accept: string | undefined): Promise<RegistryResponse> {
    const publicUrl = `${this.publicBase}/v2/${this.options.repository}/${path}`;
    const headers: OutgoingHttpHeaders = accept ? { Accept: accept } : {};
    let authorization: string | null;
    try {
      authorization = await this.authorize();
    } catch (error) {
      throw PullError.wrap('failed to authorize', error);
    }
    if (authorization) headers.Authorization = authorization;
    const failure = (detail: string, refused = false) =>
      new PullError(`failed to do request: ${goMethod(method)} "${publicUrl}": ${detail}`, {
        fact: { kind: 'transport', method, url: publicUrl, detail, refused },
      });
    const { route } = this.options;
    const publicTarget = dialTarget(new URL(publicUrl), true);
    if (!route) throw failure(lookupFailure(publicTarget.hostname));
    const target = new URL(`${route.endpoint.origin}/v2/${this.options.repository}/${path}`);
    let wire: WireResponse;
    try {
      wire = await exchange(target, method, headers, route.caPem, this.options.timeoutMs);
    } catch (error) {
      throw failure(goNetworkError(error, publicTarget), isRefused(error));
    }
    return { method, publicUrl, ...wire };
  }

  private async authorize(): Promise<string | null> {
    const authorization = this.authorization;
    const { credential } = this.options;
    if (!authorization) return null;
    if (authorization.scheme === 'basic') {
      return credential ? `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}` : null;
    }
    authorization.token ??= await this.fetchToken(authorization);
    return `Bearer ${authorization.token}`;
  }

  /** auth.FetchToken: GET on the realm, basic credentials when there is a secret, the repository's pull scope. */
  private async fetchToken(challenge: BearerAuthorization): Promise<string> {
    const { credential } = this.options;
    const withSecret = Boolean(credential?.password);
    const context = withSecret ? 'failed to fetch oauth token' : 'failed to fetch anonymous token';
    const url = new URL(challenge.realm);
    const parameters = new URLSearchParams(url.search);
    if (challenge.service) parameters.append('service', challenge.service);
    parameters.append('scope', `repository:${this.options.repository}:pull`);
    parameters.sort();
    url.search = parameters.toString();
    const failure = (detail: string, refused = false) =>
      new PullError(`${context}: Get "${url.toString()}": ${detail}`, {
        fact: { kind: 'transport', method: 'GET', url: url.toString(), detail, refused },
      });
    const target = dialTarget(url, false);
    // The simulator's token services live on this machine; a realm anywhere else must not be contacted.
    if (!LOOPBACK_HOSTS.has(url.hostname)) throw failure(lookupFailure(url.hostname));
    const headers: OutgoingHttpHeaders = {};
    if (credential && withSecret) {
      headers.Authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
    }
    let wire: WireResponse;
    try {
      const sameOrigin = this.options.route?.endpoint.origin === url.origin;
      wire = await exchange(url, 'GET', headers, sameOrigin ? this.options.route?.caPem : undefined, this.options.timeoutMs);
    } catch (error) {
      throw failure(goNetworkError(error, target), isRefused(error));
    }
    if (wire.status < 200 || wire.status >= 400) {
      throw new PullError(`${context}: unexpected status from GET request to ${url.toString()}: ${wire.statusLine}`, {
        fact: { kind: 'token-status', url: url.toString(), status: wire.status, statusLine: wire.statusLine, withSecret },
      });
    }
    let token: unknown;
    try {
      const body = JSON.parse(wire.body.toString('utf8')) as { token?: unknown; access_token?: unknown };
      token = body.access_token || body.token;
    } catch (error) {
      throw new PullError(`${context}: unable to decode token response: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (typeof token !== 'string' || token === '') {
      throw new PullError(`${context}: authorization server did not include a token in the response`);
    }
    return token;
  }

  /**
   * dockerAuthorizer.AddResponses: learn the challenge of a 401. A bearer challenge that names an error on
   * the very request that was just retried with a token means the token does not open the repository.
   * Returns false when no challenge is one the runtime supports.
   */
  private addResponses(responses: RegistryResponse[]): boolean {
    const last = responses[responses.length - 1];
    const previous = responses[responses.length - 2];
    if (!last) return false;
    for (const challenge of parseChallenges(last.challenges)) {
      if (challenge.scheme === 'bearer') {
        const error = challenge.parameters.get('error');
        if (error && previous && previous.method === last.method && previous.publicUrl === last.publicUrl) {
          this.authorization = null;
          throw new PullError(`server message: ${error}: authorization failed`, {
            invalidAuthorization: true,
            fact: { kind: 'challenge-denied', error },
          });
        }
        if (this.authorization?.scheme === 'bearer') return true;
        const realm = challenge.parameters.get('realm');
        if (!realm) throw new PullError('no realm specified for token auth challenge');
        this.authorization = { scheme: 'bearer', realm, service: challenge.parameters.get('service') ?? '', token: null };
        return true;
      }
      if (challenge.scheme === 'basic') {
        const { credential } = this.options;
        if (!credential?.username || !credential.password) {
          throw new PullError('authorization failed: no basic auth credentials', { invalidAuthorization: true, fact: { kind: 'no-basic-auth' } });
        }
        this.authorization = { scheme: 'basic' };
        return true;
      }
    }
    return false;
  }
}

const MAX_RETRIED_RESPONSES = 5;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

interface BearerAuthorization {
  scheme: 'bearer';
  realm: string;
  service: string;
  token: string | null;
}

type Authorization = BearerAuthorization | { scheme: 'basic' };

/**
 * Where containerd sends requests for a host when no hosts.toml says otherwise: Docker Hub's registry-1
 * endpoint for docker.io, plain HTTP for localhost, HTTPS for everything else.
 */
function publicRegistryBase(host: string): string {
  if (host === 'docker.io') return 'https://registry-1.docker.io';
  const hostname = host.replace(/:\d+$/, '');
  return LOOPBACK_HOSTS.has(hostname) || hostname === '::1' ? `http://${host}` : `https://${host}`;
}

interface Challenge {
  scheme: string;
  parameters: Map<string, string>;
}

/** WWW-Authenticate values: `Bearer realm="…",service="…",scope="…",error="…"` or `Basic realm="…"`. */
function parseChallenges(values: string[]): Challenge[] {
  const challenges: Challenge[] = [];
  for (const value of values) {
    const schemeMatch = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*/.exec(value);
    if (!schemeMatch?.[1]) continue;
    const parameters = new Map<string, string>();
    const parameterPattern = /([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
    for (const match of value.slice(schemeMatch[0].length).matchAll(parameterPattern)) {
      if (match[1]) parameters.set(match[1].toLowerCase(), (match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1'));
    }
    challenges.push({ scheme: schemeMatch[1].toLowerCase(), parameters });
  }
  return challenges;
}

// ---- the wire and Go's words for its failures -------------------------------------------------------------

type WireResponse = Omit<RegistryResponse, 'method' | 'publicUrl'>;

class RequestTimeout extends Error {
  constructor() {
    super('request timed out');
    this.name = 'RequestTimeout';
  }
}

function exchange(
  target: URL,
  method: 'HEAD' | 'GET',
  headers: OutgoingHttpHeaders,
  caPem: string | undefined,
  timeoutMs: number,
): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const onResponse = (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      response.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: response.statusCode ?? 0,
          statusLine: `${response.statusCode ?? 0} ${response.statusMessage ?? ''}`.trim(),
          headers: singleHeaders(response),
          challenges: response.headersDistinct['www-authenticate'] ?? [],
          body: Buffer.concat(chunks),
        });
      });
    };
    const options = { method, headers, agent: false as const, ...(caPem ? { ca: caPem } : {}) };
    const request = target.protocol === 'https:' ? httpsRequest(target, options, onResponse) : httpRequest(target, options, onResponse);
    const timer = setTimeout(() => request.destroy(new RequestTimeout()), timeoutMs);
    function fail(error: Error) {
      clearTimeout(timer);
      reject(error);
    }
    request.on('error', fail);
    request.end();
  });
}

function singleHeaders(response: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(response.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

/** Go's url.Error names the method in title case: Head "https://…": … */
function goMethod(method: string): string {
  return method.charAt(0) + method.slice(1).toLowerCase();
}

interface DialTarget {
  scheme: 'http' | 'https';
  hostname: string;
  /** ip:port as Go's dialer prints it. */
  address: string;
}

function dialTarget(url: URL, publicName: boolean): DialTarget {
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port || (scheme === 'https' ? '443' : '80');
  // A node prints the address the name resolved to. The simulated names resolve nowhere real, so they get a
  // stable address from the range reserved for documentation (RFC 5737) rather than the loopback port.
  const ip = publicName ? documentationAddress(hostname) : hostname;
  return { scheme, hostname, address: `${ip}:${port}` };
}

function documentationAddress(hostname: string): string {
  const byte = createHash('sha256').update(hostname).digest()[0] ?? 0;
  return `192.0.2.${(byte % 254) + 1}`;
}

/** The cluster DNS service address of a kubeadm cluster, which is what nodes' failed lookups name. */
const CLUSTER_DNS = '10.96.0.10:53';

function lookupFailure(hostname: string): string {
  return `dial tcp: lookup ${hostname} on ${CLUSTER_DNS}: no such host`;
}

const UNKNOWN_AUTHORITY_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

function isRefused(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ECONNREFUSED';
}

function goNetworkError(error: unknown, target: DialTarget): string {
  if (error instanceof RequestTimeout) {
    // A host that accepts and never answers stalls a TLS client in the handshake, which Go bounds; over plain
    // HTTP nothing is bounded and only the pull's own deadline ends the wait.
    return target.scheme === 'https' ? 'net/http: TLS handshake timeout' : 'context deadline exceeded';
  }
  const code = (error as NodeJS.ErrnoException | null)?.code ?? '';
  if (code === 'ECONNREFUSED') return `dial tcp ${target.address}: connect: connection refused`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return lookupFailure(target.hostname);
  if (code === 'ECONNRESET') return 'EOF';
  if (UNKNOWN_AUTHORITY_CODES.has(code)) return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `tls: failed to verify certificate: x509: certificate is not valid for ${target.hostname}`;
  }
  return error instanceof Error ? error.message : String(error);
}
