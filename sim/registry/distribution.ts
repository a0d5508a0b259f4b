import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RegistryUser, ScenarioRegistry, ScenarioRepository } from '../contracts';
import { buildRepositoryContent, INDEX_MEDIA_TYPES, type ManifestDocument, type RepositoryContent } from './content';

/**
 * One scenario registry host speaking the Distribution HTTP API as Docker Hub and the Distribution server
 * do: the /v2/ ping, a bearer token service or basic auth, manifests with content negotiation, blobs, tags
 * with pagination, per-repository access and the anonymous pull rate limit, errors in the registry's JSON
 * shape. `baseUrl` is where this handler is served, so the token challenge can point back at it.
 */
export function createDistributionHandler(registry: ScenarioRegistry, baseUrl: () => string): RequestHandler {
  const repositories = new Map(registry.repositories.map((repository) => [repository.name, repository]));
  const contents = new Map<string, RepositoryContent>(
    registry.repositories.map((repository) => [repository.name, buildRepositoryContent(registry.host, repository)]),
  );
  const tokens = new Map<string, IssuedToken>();
  const pullTimes = new Map<string, number[]>();
  const context: HandlerContext = { registry, repositories, contents, tokens, pullTimes, spent: new Map(), baseUrl };

  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://registry');
    response.setHeader('Docker-Distribution-Api-Version', 'registry/2.0');
    if (url.pathname === '/token' && registry.auth === 'token') return serveToken(context, request, url, response);
    if (url.pathname === '/v2/' || url.pathname === '/v2') return servePing(context, request, response);
    const route = matchRoute(url.pathname);
    if (!route) return sendText(response, 404, '404 page not found\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return sendErrors(response, 405, [{ code: 'UNSUPPORTED', message: 'The operation is unsupported.' }]);
    }
    const access = authorizePull(context, request, route);
    if (!access.ok) return access.reject(response, request.method === 'HEAD');
    switch (route.kind) {
      case 'manifests':
        return serveManifest(context, request, response, route.name, route.reference, access.username);
      case 'blobs':
        return serveBlob(context, request, response, route.name, route.reference);
      case 'tags':
        return serveTags(context, response, route.name, url);
    }
  };
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

export const RATE_LIMIT_MESSAGE =
  'You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit';

const TOKEN_LIFETIME_SECONDS = 300;
const RATE_WINDOW_MS = 60_000;

interface IssuedToken {
  username: string | null;
  repositories: Set<string>;
  expiresAt: number;
}

interface HandlerContext {
  registry: ScenarioRegistry;
  repositories: Map<string, ScenarioRepository>;
  contents: Map<string, RepositoryContent>;
  tokens: Map<string, IssuedToken>;
  pullTimes: Map<string, number[]>;
  /** Pulls each account with an allowance has made since the simulator started. */
  spent: Map<string, number>;
  baseUrl: () => string;
}

type Route = { kind: 'manifests' | 'blobs'; name: string; reference: string } | { kind: 'tags'; name: string };

function matchRoute(pathname: string): Route | null {
  const content = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(pathname);
  if (content?.[1] && content[3]) {
    return { kind: content[2] === 'blobs' ? 'blobs' : 'manifests', name: content[1], reference: decodeSegment(content[3]) };
  }
  const tags = /^\/v2\/(.+)\/tags\/list$/.exec(pathname);
  return tags?.[1] ? { kind: 'tags', name: tags[1] } : null;
}

/** Some clients escape the digest's colon; a malformed escape is left as written (and matches nothing). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// ---- token service (Docker Hub's auth.docker.io) ---------------------------------------------------------

function serveToken(context: HandlerContext, request: IncomingMessage, url: URL, response: ServerResponse): void {
  const presented = basicCredentials(request);
  let username: string | null = null;
  if (presented) {
    if (!validUser(context.registry.users, presented)) {
      return sendJson(response, 401, { details: 'incorrect username or password' });
    }
    username = presented.username;
  }
  // Docker Hub answers every well-formed scope request with a token, granting only what the user may pull:
  // the refusal surfaces later, as insufficient_scope on the registry request.
  const granted = new Set<string>();
  for (const scope of url.searchParams.getAll('scope')) {
    const match = /^repository:(.+):([a-z*,]+)$/.exec(scope);
    const name = match?.[1];
    if (name && match[2]?.split(',').some((action) => action === 'pull' || action === '*') && mayPull(context, name, username)) {
      granted.add(name);
    }
  }
  const token = randomBytes(24).toString('base64url');
  const issuedAt = Date.now();
  for (const [issuedToken, { expiresAt }] of context.tokens) if (expiresAt < issuedAt) context.tokens.delete(issuedToken);
  context.tokens.set(token, { username, repositories: granted, expiresAt: issuedAt + TOKEN_LIFETIME_SECONDS * 1000 });
  sendJson(response, 200, {
    token,
    access_token: token,
    expires_in: TOKEN_LIFETIME_SECONDS,
    issued_at: new Date(issuedAt).toISOString(),
  });
}

// ---- access control --------------------------------------------------------------------------------------

type Access = { ok: true; username: string | null } | { ok: false; reject: (response: ServerResponse, head: boolean) => void };

function servePing(context: HandlerContext, request: IncomingMessage, response: ServerResponse): void {
  const { auth, users } = context.registry;
  if (auth === 'token') {
    const token = bearerToken(context, request);
    if (!token.valid) return challengeBearer(context, response, request.method === 'HEAD', null, token.presented ? 'invalid_token' : null);
  }
  if (auth === 'basic') {
    const presented = basicCredentials(request);
    if (!presented || !validUser(users, presented)) return challengeBasic(context, response, request.method === 'HEAD');
  }
  sendJson(response, 200, {}, request.method === 'HEAD');
}

function authorizePull(context: HandlerContext, request: IncomingMessage, route: Route): Access {
  const { auth, users } = context.registry;
  const name = route.name;
  if (auth === 'none') return { ok: true, username: null };
  if (auth === 'token') {
    const token = bearerToken(context, request);
    if (!token.valid) {
      const error = token.presented ? 'invalid_token' : null;
      return { ok: false, reject: (response, head) => challengeBearer(context, response, head, name, error) };
    }
    if (!token.issued.repositories.has(name)) {
      if (route.kind === 'tags' && context.registry.tagListNamesUnknown && token.issued.username !== null && !context.repositories.has(name)) {
        return { ok: false, reject: (response) => sendNameUnknown(response, name, false) };
      }
      return { ok: false, reject: (response, head) => challengeBearer(context, response, head, name, 'insufficient_scope') };
    }
    return { ok: true, username: token.issued.username };
  }
  // A basic-auth registry with anonymous read access (as Harbor or Nexus offer it) for public repositories:
  // the /v2/ ping still challenges, so clients learn the scheme.
  const presented = basicCredentials(request);
  if (!presented) {
    if (context.repositories.get(name)?.public) return { ok: true, username: null };
    return { ok: false, reject: (response, head) => challengeBasic(context, response, head, name) };
  }
  if (!validUser(users, presented)) return { ok: false, reject: (response, head) => challengeBasic(context, response, head, name) };
  if (context.repositories.has(name) && !mayPull(context, name, presented.username)) {
    return {
      ok: false,
      reject: (response, head) =>
        sendErrors(response, 403, [{ code: 'DENIED', message: 'requested access to the resource is denied' }], head),
    };
  }
  return { ok: true, username: presented.username };
}

function mayPull(context: HandlerContext, name: string, username: string | null): boolean {
  const repository = context.repositories.get(name);
  if (!repository) return false;
  return repository.public || (username !== null && (repository.pullers ?? []).includes(username));
}

function bearerToken(
  context: HandlerContext,
  request: IncomingMessage,
): { valid: true; issued: IssuedToken } | { valid: false; presented: boolean } {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) return { valid: false, presented: false };
  const issued = context.tokens.get(match[1]);
  if (!issued || issued.expiresAt < Date.now()) return { valid: false, presented: true };
  return { valid: true, issued };
}

function basicCredentials(request: IncomingMessage): RegistryUser | null {
  const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function validUser(users: RegistryUser[], presented: RegistryUser): boolean {
  return users.some((user) => user.username === presented.username && user.password === presented.password);
}

function challengeBearer(
  context: HandlerContext,
  response: ServerResponse,
  head: boolean,
  name: string | null,
  error: 'invalid_token' | 'insufficient_scope' | null,
): void {
  const parameters = [`realm="${context.baseUrl()}/token"`, `service="${context.registry.host}"`];
  if (name) parameters.push(`scope="repository:${name}:pull"`);
  if (error) parameters.push(`error="${error}"`);
  response.setHeader('WWW-Authenticate', `Bearer ${parameters.join(',')}`);
  sendErrors(response, 401, [unauthorized(name)], head);
}

function challengeBasic(context: HandlerContext, response: ServerResponse, head: boolean, name: string | null = null): void {
  response.setHeader('WWW-Authenticate', `Basic realm="${context.registry.host}"`);
  sendErrors(response, 401, [unauthorized(name)], head);
}

function unauthorized(name: string | null): RegistryError {
  return {
    code: 'UNAUTHORIZED',
    message: 'authentication required',
    detail: name ? [{ Type: 'repository', Class: '', Name: name, Action: 'pull' }] : null,
  };
}

// ---- content ---------------------------------------------------------------------------------------------

function serveManifest(
  context: HandlerContext,
  request: IncomingMessage,
  response: ServerResponse,
  name: string,
  reference: string,
  username: string | null,
): void {
  const head = request.method === 'HEAD';
  const content = context.contents.get(name);
  if (!content) return sendNameUnknown(response, name, head);
  const byDigest = reference.includes(':');
  const manifest = byDigest ? content.manifestByDigest(reference) : content.manifestForTag(reference, acceptedTypes(request));
  if (!manifest) {
    return sendErrors(
      response,
      404,
      [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: byDigest ? { Digest: reference } : { Tag: reference } }],
      head,
    );
  }
  const countsAsPull = !head && (!byDigest || INDEX_MEDIA_TYPES.includes(manifest.mediaType));
  if (!admitPull(context, response, username, countsAsPull)) {
    return sendErrors(response, 429, [{ code: 'TOOMANYREQUESTS', message: RATE_LIMIT_MESSAGE }], head);
  }
  sendManifest(response, manifest, head);
}

/**
 * Docker Hub's pull accounting: a GET of a tag or of an index counts as one pull; HEAD requests and the
 * per-platform manifests an index leads to do not. Returns false when the pull is over the limit.
 */
function admitPull(context: HandlerContext, response: ServerResponse, username: string | null, countsAsPull: boolean): boolean {
  const allowance = username === null ? undefined : context.registry.allowances?.[username];
  if (username !== null && allowance) return admitAccountPull(context, response, username, allowance, countsAsPull);
  const limit = context.registry.rateLimit;
  if (!limit || (username !== null && !limit.everyone)) return true;
  const key = username ?? 'anonymous';
  const now = Date.now();
  const recent = (context.pullTimes.get(key) ?? []).filter((time) => now - time < RATE_WINDOW_MS);
  const window = Math.round(RATE_WINDOW_MS / 1000);
  response.setHeader('RateLimit-Limit', `${limit.pullsPerMinute};w=${window}`);
  if (countsAsPull && recent.length >= limit.pullsPerMinute) {
    context.pullTimes.set(key, recent);
    response.setHeader('RateLimit-Remaining', `0;w=${window}`);
    return false;
  }
  if (countsAsPull) recent.push(now);
  context.pullTimes.set(key, recent);
  response.setHeader('RateLimit-Remaining', `${Math.max(0, limit.pullsPerMinute - recent.length)};w=${window}`);
  return true;
}

/** An account's pull against its Hub allowance, with the headers Hub sends it (lower case, as Hub writes them). */
function admitAccountPull(
  context: HandlerContext,
  response: ServerResponse,
  username: string,
  allowance: { limit: number; remaining: number; windowSeconds: number },
  countsAsPull: boolean,
): boolean {
  const spent = context.spent.get(username) ?? 0;
  const left = Math.max(0, allowance.remaining - spent);
  const admitted = !countsAsPull || left > 0;
  if (countsAsPull && admitted) context.spent.set(username, spent + 1);
  response.setHeader('ratelimit-limit', `${allowance.limit};w=${allowance.windowSeconds}`);
  response.setHeader('ratelimit-remaining', `${countsAsPull && admitted ? left - 1 : left};w=${allowance.windowSeconds}`);
  response.setHeader('docker-ratelimit-source', username);
  return admitted;
}

function sendManifest(response: ServerResponse, manifest: ManifestDocument, head: boolean): void {
  response.writeHead(200, {
    'Content-Type': manifest.mediaType,
    'Content-Length': manifest.bytes.length,
    'Docker-Content-Digest': manifest.digest,
    ETag: `"${manifest.digest}"`,
  });
  response.end(head ? undefined : manifest.bytes);
}

function serveBlob(context: HandlerContext, request: IncomingMessage, response: ServerResponse, name: string, digest: string): void {
  const head = request.method === 'HEAD';
  const content = context.contents.get(name);
  if (!content) return sendNameUnknown(response, name, head);
  const blob = content.blob(digest);
  if (!blob) return sendErrors(response, 404, [{ code: 'BLOB_UNKNOWN', message: 'blob unknown to registry', detail: digest }], head);
  response.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': blob.length,
    'Docker-Content-Digest': digest,
    ETag: `"${digest}"`,
  });
  response.end(head ? undefined : blob);
}

function serveTags(context: HandlerContext, response: ServerResponse, name: string, url: URL): void {
  const content = context.contents.get(name);
  if (!content) return sendNameUnknown(response, name, false);
  const rawCount = url.searchParams.get('n');
  const count = rawCount === null ? null : Number(rawCount);
  if (count !== null && (!Number.isInteger(count) || count < 0)) {
    return sendErrors(response, 400, [
      { code: 'PAGINATION_NUMBER_INVALID', message: 'invalid number of results requested', detail: { n: rawCount } },
    ]);
  }
  const last = url.searchParams.get('last');
  const after = last === null ? content.tags : content.tags.filter((tag) => tag > last);
  const page = count === null ? after : after.slice(0, count);
  const lastOnPage = page[page.length - 1];
  if (count !== null && page.length < after.length && lastOnPage !== undefined) {
    const next = new URLSearchParams({ last: lastOnPage, n: String(count) });
    response.setHeader('Link', `</v2/${name}/tags/list?${next.toString()}>; rel="next"`);
  }
  sendJson(response, 200, { name, tags: page });
}

function acceptedTypes(request: IncomingMessage): string[] {
  const header = request.headers.accept ?? '';
  return header
    .split(',')
    .map((part) => part.split(';')[0]?.trim() ?? '')
    .filter(Boolean);
}

// ---- responses -------------------------------------------------------------------------------------------

interface RegistryError {
  code: string;
  message: string;
  detail?: unknown;
}

function sendNameUnknown(response: ServerResponse, name: string, head: boolean): void {
  sendErrors(response, 404, [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry', detail: { name } }], head);
}

function sendErrors(response: ServerResponse, status: number, errors: RegistryError[], head = false): void {
  sendJson(response, status, { errors }, head);
}

function sendJson(response: ServerResponse, status: number, body: unknown, head = false): void {
  const bytes = Buffer.from(`${JSON.stringify(body)}\n`);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': bytes.length });
  response.end(head ? undefined : bytes);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}
