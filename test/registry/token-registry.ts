import { createHash, randomBytes } from 'node:crypto';
import type http from 'node:http';
import { listenHttp, type LoopbackServer } from './servers';

export interface TokenRegistryOptions {
  /** Docker Hub answers `token`; OAuth-style services `access_token`. */
  tokenField: 'token' | 'access_token';
  expiresIn: number;
  users: { username: string; password: string }[];
  repositories: { name: string; public: boolean; tags: string[] }[];
  /** 'rate-limit': manifests answer 429; 'unavailable': everything answers 503. */
  failure?: 'rate-limit' | 'unavailable';
}

export interface TokenRegistry extends LoopbackServer {
  service: string;
  /** Each token request as the token service received it. */
  tokenRequests: { service: string | null; scope: string | null; account: string | null; basicUser: string | null }[];
  digestOf(repository: string, tag: string): string;
  /** Revokes every issued token, as a token service restart would. */
  revokeTokens(): void;
}

const MANIFEST_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';

/**
 * A registry with Docker Hub's auth flow: `/v2/` challenges with `Bearer realm,service`, the realm hands
 * out scoped tokens (anonymous ones too), and manifests want a token whose scope covers the repository.
 */
export async function startTokenRegistry(options: TokenRegistryOptions): Promise<TokenRegistry> {
  const service = 'registry.pullfix.test';
  const tokens = new Map<string, { user: string | null; scope: string; expiresAt: number }>();
  const tokenRequests: TokenRegistry['tokenRequests'] = [];
  let realm = '';

  const handler: http.RequestListener = (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (options.failure === 'unavailable') return sendJson(response, 503, errors('UNAVAILABLE', 'service unavailable'));
    if (url.pathname === '/token') return issueToken(url, request, response);
    const challenge = (scope?: string) =>
      `Bearer realm="${realm}",service="${service}"${scope ? `,scope="${scope}",error="insufficient_scope"` : ''}`;
    if (url.pathname === '/v2/') {
      response.setHeader('www-authenticate', challenge());
      return sendJson(response, 401, errors('UNAUTHORIZED', 'authentication required'));
    }
    const match = /^\/v2\/(.+)\/(manifests\/[^/]+|tags\/list)$/.exec(url.pathname);
    if (match === null) return sendJson(response, 404, errors('NOT_FOUND', 'not found'));
    const [, name = '', resource = ''] = match;
    const scope = `repository:${name}:pull`;
    const repository = options.repositories.find((candidate) => candidate.name === name);
    const grant = tokens.get((request.headers.authorization ?? '').replace(/^Bearer /, ''));
    const allowed =
      grant !== undefined && grant.expiresAt > Date.now() && grant.scope === scope && repository !== undefined &&
      (repository.public || grant.user !== null);
    if (!allowed) {
      // Like Docker Hub: an unknown repository looks exactly like a private one.
      response.setHeader('www-authenticate', challenge(scope));
      return sendJson(response, 401, errors('UNAUTHORIZED', 'authentication required'));
    }
    if (options.failure === 'rate-limit') {
      return sendJson(response, 429, errors('TOOMANYREQUESTS', 'You have reached your pull rate limit.'));
    }
    if (resource === 'tags/list') return listTags(url, name, repository.tags, response);
    const reference = resource.slice('manifests/'.length);
    if (!repository.tags.includes(reference)) return sendJson(response, 404, errors('MANIFEST_UNKNOWN', 'manifest unknown'));
    const manifest = manifestFor(name, reference);
    response.writeHead(200, {
      'content-type': MANIFEST_TYPE,
      'docker-content-digest': sha256(manifest),
      'content-length': manifest.length,
    });
    response.end(request.method === 'HEAD' ? undefined : manifest);
  };

  const issueToken = (url: URL, request: http.IncomingMessage, response: http.ServerResponse) => {
    const basic = parseBasic(request.headers.authorization);
    tokenRequests.push({
      service: url.searchParams.get('service'),
      scope: url.searchParams.get('scope'),
      account: url.searchParams.get('account'),
      basicUser: basic?.username ?? null,
    });
    if (basic !== null && !options.users.some((user) => user.username === basic.username && user.password === basic.password)) {
      return sendJson(response, 401, { details: 'incorrect username or password' });
    }
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, { user: basic?.username ?? null, scope: url.searchParams.get('scope') ?? '', expiresAt: Date.now() + options.expiresIn * 1000 });
    sendJson(response, 200, { [options.tokenField]: token, expires_in: options.expiresIn, issued_at: new Date().toISOString() });
  };

  const server = await listenHttp(handler);
  realm = `${server.url}/token`;
  return {
    ...server,
    service,
    tokenRequests,
    digestOf: (repository, tag) => sha256(manifestFor(repository, tag)),
    revokeTokens: () => tokens.clear(),
  };
}

/** The distribution spec's pagination: sorted tags after `last`, at most `n`, and a Link to the next page. */
function listTags(url: URL, name: string, tags: string[], response: http.ServerResponse): void {
  const last = url.searchParams.get('last');
  const n = Number(url.searchParams.get('n') ?? tags.length);
  const after = [...tags].sort().filter((tag) => last === null || tag > last);
  const page = after.slice(0, n);
  if (after.length > page.length) {
    const next = new URLSearchParams({ n: String(n), last: page[page.length - 1] ?? '' });
    response.setHeader('link', `</v2/${name}/tags/list?${next}>; rel="next"`);
  }
  sendJson(response, 200, { name, tags: page });
}

function manifestFor(repository: string, tag: string): Buffer {
  const blob = (seed: string) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: blob(`${repository}:${tag}:config`), size: 2 },
      layers: [],
    }),
  );
}

function parseBasic(header: string | undefined): { username: string; password: string } | null {
  if (header === undefined || !header.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString();
  const colon = decoded.indexOf(':');
  return colon === -1 ? null : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function errors(code: string, message: string) {
  return { errors: [{ code, message }] };
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function sha256(content: Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}
