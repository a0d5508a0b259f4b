import 'server-only';
/**
 * The OCI distribution client's entry points: can an image be pulled, what platforms it offers, its tags, and
 * whether a login is accepted. Each runs one session (session.ts) and answers with a result, never a throw.
 */
import { ImageRefError, parseImageRef, type ImageRef } from '../image-ref';
import { loadEndpointConfig, resolveEndpoint } from './endpoints';
import { RegistryError, type RegistryFailure } from './errors';
import { MANIFEST_ACCEPT, platformName } from './manifest';
import { parseRateLimit, type RateLimitHeadroom } from './rate-limit';
import { headerValue, parseJson } from './reply';
import { RegistrySession, type RegistryCheckResult, type RegistryClientOptions, type RegistryLogin } from './session';
import { nextPage, tagsOf, type TagListResult } from './tags';

export type { RegistryFailure } from './errors';
export { MANIFEST_MEDIA_TYPES } from './manifest';
export type { RegistryCheckResult, RegistryCheckSuccess, RegistryClientOptions, RegistryLogin } from './session';
export type { TagListResult, TagListSuccess } from './tags';
export { TokenCache } from './token-cache';

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

/**
 * The pull allowance the registry states for this login (or the anonymous address): a HEAD of the manifest,
 * which Docker Hub answers with its ratelimit headers and does not count as a pull. null when the registry
 * sends none. A 429 still carries them.
 */
export async function checkRateLimit(
  image: string | ImageRef,
  credential: RegistryLogin | null,
  options: RegistryClientOptions = {},
): Promise<{ ok: true; headroom: RateLimitHeadroom | null } | RegistryFailure> {
  return withSession(image, credential, options, async (session) => {
    const reply = await session.request('HEAD', session.manifestUrl(), MANIFEST_ACCEPT);
    const headroom = parseRateLimit(headerValue(reply, 'ratelimit-limit'), headerValue(reply, 'ratelimit-remaining'), headerValue(reply, 'docker-ratelimit-source'));
    if (headroom === null && reply.status !== 200) throw session.statusFailure(reply, 'manifest');
    return { ok: true as const, headroom };
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
