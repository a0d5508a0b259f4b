import { parseImageRef, type ImageRef } from '../../lib/image-ref';
import type { PullCredential, PullOutcome } from '../contracts';
import { digestOf, INDEX_MEDIA_TYPES, MediaType, type Platform } from './content';
import type { SimRegistryFleet } from './index';
import { platformRanker } from './platforms';
import { wordPullFailure, type RuntimeDialect } from '../cluster/runtime-dialects';
import { PullError, RegistrySession, type PullFailureFact, type RegistryResponse } from './session';

export interface PullerOptions {
  /** How long one registry request may go unanswered before the pull gives up. */
  requestTimeoutMs?: number;
  /** Whose words the failures are reported in; containerd 2's by default. */
  runtime?: RuntimeDialect;
}

/** A successful pull also reports the image's size, for the kubelet's "Pulled" event. */
export type SimPullOutcome = (Extract<PullOutcome, { ok: true }> & { size: number }) | Extract<PullOutcome, { ok: false }>;

export type SimPullImage = (image: string, credentials: PullCredential[], platform: string) => Promise<SimPullOutcome>;

/**
 * The container runtime's pull, as the kubelet drives containerd: one attempt per credential in order,
 * first success wins, a single anonymous attempt when there are none, and the kubelet's aggregate of the
 * failures. Each attempt resolves the reference with a manifest HEAD (following the auth challenge), then
 * fetches the index, the manifest for the node's platform, the config and the layers, verifying digests.
 * Failures are worded as the chosen runtime words them (containerd 2 by default), naming the image's registry
 * host, never the loopback port the simulator serves it on.
 */
export function createPuller(fleet: SimRegistryFleet, options: PullerOptions = {}): SimPullImage {
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const runtime = options.runtime ?? 'containerd-2';
  return async (image, credentials, platform) => {
    let ref: ImageRef;
    try {
      ref = parseImageRef(image);
    } catch (error) {
      return { ok: false, reason: 'ErrImagePull', message: `failed to parse image reference "${image}": ${error instanceof Error ? error.message : String(error)}` };
    }
    const errors: string[] = [];
    for (const credential of credentials.length > 0 ? credentials : [null]) {
      const session = new RegistrySession({
        registryHost: ref.registry,
        repository: ref.repository,
        route: fleet.route(ref.registry),
        credential,
        timeoutMs,
      });
      try {
        return await pullImage(session, ref, platform);
      } catch (error) {
        if (!(error instanceof PullError)) throw error;
        errors.push(wordPullFailure(runtime, ref, error, platform));
      }
    }
    return evalPullError(image, aggregate(errors));
  };
}

const DEFAULT_REQUEST_TIMEOUT_MS = 2_000;

/**
 * The kubelet's evalCRIPullErr: a runtime error that begins with "RegistryUnavailable" (CRI-O's, for a refused
 * connection) becomes that reason with the kubelet's own sentence; anything else is ErrImagePull. containerd never
 * prefixes, so with it every registry failure is ErrImagePull (even a 503).
 */
function evalPullError(image: string, message: string): SimPullOutcome {
  const unavailable = /^RegistryUnavailable(.*)$/s.exec(message);
  if (unavailable) {
    return { ok: false, reason: 'RegistryUnavailable', message: `image pull failed for ${image} because the registry is unavailable${unavailable[1] ?? ''}` };
  }
  return { ok: false, reason: 'ErrImagePull', message };
}

/** utilerrors.NewAggregate(...).Error(): one message alone, several de-duplicated inside brackets. */
function aggregate(messages: string[]): string {
  const distinct = [...new Set(messages)];
  return distinct.length === 1 ? (distinct[0] ?? '') : `[${distinct.join(', ')}]`;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
}

async function pullImage(session: RegistrySession, ref: ImageRef, platform: string): Promise<SimPullOutcome> {
  const target = await resolve(session, ref).catch((error: unknown) => {
    throw PullError.wrap(`failed to resolve reference "${ref.normalized}"`, error);
  });
  let manifestDescriptor = target;
  let manifest = parseJson(await fetchContent(session, target));
  let size = target.size;
  if (INDEX_MEDIA_TYPES.includes(target.mediaType)) {
    manifestDescriptor = choosePlatform(manifest, platform);
    manifest = parseJson(await fetchContent(session, manifestDescriptor));
    size = manifestDescriptor.size;
  }
  for (const blob of [manifest.config, ...(manifest.layers ?? [])]) {
    if (!blob) throw new PullError(`manifest ${manifestDescriptor.digest} has no config`);
    await fetchContent(session, blob);
    size += blob.size;
  }
  return { ok: true, digest: target.digest, resolved: `${ref.registry}/${ref.repository}@${target.digest}`, size };
}

const RESOLVE_ACCEPT = [MediaType.dockerManifest, MediaType.dockerList, MediaType.ociManifest, MediaType.ociIndex, '*/*'].join(', ');

/**
 * containerd's dockerResolver.Resolve: HEAD the manifest (and for a digest, the blob as a fallback), keeping
 * the most telling failure across paths: an unexpected status beats "not found", which beats a request
 * that could not be made or authorized.
 */
async function resolve(session: RegistrySession, ref: ImageRef): Promise<Descriptor> {
  const object = ref.digest ?? ref.tag ?? 'latest';
  const paths = ref.digest ? [`manifests/${ref.digest}`, `blobs/${ref.digest}`] : [`manifests/${object}`];
  const failure: { error: PullError | null; priority: number } = { error: null, priority: 0 };
  const remember = (error: PullError, priority: number) => {
    if (failure.priority < priority) {
      failure.error = error;
      failure.priority = priority;
    }
  };
  for (const path of paths) {
    let response: RegistryResponse;
    try {
      response = await session.request('HEAD', path, RESOLVE_ACCEPT);
    } catch (error) {
      if (!(error instanceof PullError)) throw error;
      const denied = error.invalidAuthorization;
      remember(denied ? PullError.wrap('pull access denied, repository does not exist or may require authorization', error) : error, 1);
      continue;
    }
    if (response.status === 404) {
      remember(new PullError(`${ref.normalized}: not found`, { fact: { kind: 'not-found' } }), 2);
      continue;
    }
    if (response.status > 399) {
      remember(unexpectedStatus(response), 3);
      continue;
    }
    if (response.status > 299) throw unexpectedStatus(response);
    return describe(session, path, response, ref.digest);
  }
  throw failure.error ?? new PullError(`${ref.normalized}: not found`, { fact: { kind: 'not-found' } });
}

/** The descriptor from the HEAD's headers, or from a GET when the registry leaves the digest or size out. */
async function describe(session: RegistrySession, path: string, response: RegistryResponse, digest: string | null): Promise<Descriptor> {
  const mediaType = (response.headers['content-type'] ?? MediaType.dockerManifest).split(';')[0]?.trim() ?? MediaType.dockerManifest;
  const length = response.headers['content-length'];
  let size = length === undefined ? -1 : Number(length);
  let resolvedDigest = digest ?? response.headers['docker-content-digest'] ?? null;
  if (resolvedDigest && !/^sha(256|512):[a-f0-9]+$/.test(resolvedDigest)) {
    throw new PullError(`"${resolvedDigest}" in header not a valid digest`);
  }
  if (!resolvedDigest || size < 0) {
    const full = await session.request('GET', path, RESOLVE_ACCEPT);
    if (full.status > 299) throw unexpectedStatus(full);
    resolvedDigest ??= digestOf(full.body);
    size = full.body.length;
  }
  return { mediaType, digest: resolvedDigest, size };
}

function unexpectedStatus(response: RegistryResponse): PullError {
  return new PullError(`unexpected status from ${response.method} request to ${response.publicUrl}: ${response.statusLine}`, {
    fact: statusFact(response),
  });
}

function statusFact(response: RegistryResponse): PullFailureFact {
  const { method, publicUrl: url, status, statusLine } = response;
  return { kind: 'status', method, url, status, statusLine, registryErrors: registryErrors(response.body) };
}

/** containerd's LimitManifests(FilterPlatforms(...), Only(platform), 1). */
function choosePlatform(index: ManifestJson, platform: string): Descriptor {
  const rank = platformRanker(platform);
  const candidates = (index.manifests ?? [])
    .map((entry) => ({ entry, rank: entry.platform ? rank(entry.platform) : 0 }))
    .filter((candidate): candidate is { entry: Descriptor; rank: number } => candidate.rank !== null)
    .sort((a, b) => a.rank - b.rank);
  const chosen = candidates[0];
  if (!chosen) throw new PullError('no match for platform in manifest: not found', { fact: { kind: 'platform' } });
  return chosen.entry;
}

/**
 * The dockerFetcher's GET and the content store's commit: an error status fails the read ("failed to
 * copy"), and bytes that do not hash to the descriptor's digest fail the commit.
 */
async function fetchContent(session: RegistrySession, descriptor: Descriptor): Promise<Buffer> {
  const isManifest = descriptor.mediaType.includes('manifest') || INDEX_MEDIA_TYPES.includes(descriptor.mediaType);
  const path = `${isManifest ? 'manifests' : 'blobs'}/${descriptor.digest}`;
  let response: RegistryResponse;
  try {
    response = await session.request('GET', path, isManifest ? `${descriptor.mediaType}, */*` : undefined);
  } catch (error) {
    throw PullError.wrap('failed to copy: httpReadSeeker: failed open', error);
  }
  if (response.status > 299) throw PullError.wrap('failed to copy: httpReadSeeker: failed open', fetchStatusError(response));
  const actual = digestOf(response.body);
  if (actual !== descriptor.digest) {
    throw new PullError(
      `failed commit on ref "${refKey(descriptor)}": unexpected commit digest ${actual}, expected ${descriptor.digest}: failed precondition`,
    );
  }
  return response.body;
}

function fetchStatusError(response: RegistryResponse): PullError {
  const url = response.publicUrl;
  if (response.status === 404) return new PullError(`content at ${url} not found: not found`, { fact: { kind: 'not-found' } });
  const serverMessage = registryErrors(response.body);
  return new PullError(`unexpected status code ${url}: ${response.statusLine}${serverMessage ? ` - Server message: ${serverMessage}` : ''}`, {
    fact: statusFact(response),
  });
}

/** The codes containerd's errcode package registers; any other code reads as "unknown". */
const KNOWN_ERROR_CODES = new Set(['UNKNOWN', 'UNSUPPORTED', 'UNAUTHORIZED', 'DENIED', 'UNAVAILABLE', 'TOOMANYREQUESTS']);

/** containerd's docker.Errors.Error() for a registry's JSON error body, or null when there is none. */
function registryErrors(body: Buffer): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  const errors = (parsed as { errors?: { code?: unknown; message?: unknown }[] } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return null;
  const texts = errors.map(({ code, message }) => {
    const known = typeof code === 'string' && KNOWN_ERROR_CODES.has(code) ? code : 'UNKNOWN';
    return `${known.toLowerCase().replaceAll('_', ' ')}: ${typeof message === 'string' ? message : ''}`;
  });
  return texts.length === 1 ? (texts[0] ?? null) : `errors:\n${texts.map((text) => `${text}\n`).join('')}`;
}

/** remotes.MakeRefKey: the name under which the content store tracks an in-progress download. */
function refKey(descriptor: Descriptor): string {
  if (INDEX_MEDIA_TYPES.includes(descriptor.mediaType)) return `index-${descriptor.digest}`;
  if (descriptor.mediaType.includes('manifest')) return `manifest-${descriptor.digest}`;
  if (descriptor.mediaType.includes('config')) return `config-${descriptor.digest}`;
  if (descriptor.mediaType.includes('layer') || descriptor.mediaType.includes('rootfs')) return `layer-${descriptor.digest}`;
  return `unknown-${descriptor.digest}`;
}

interface ManifestJson {
  manifests?: Descriptor[];
  config?: Descriptor;
  layers?: Descriptor[];
}

function parseJson(bytes: Buffer): ManifestJson {
  try {
    return JSON.parse(bytes.toString('utf8')) as ManifestJson;
  } catch (error) {
    throw new PullError(`failed to unmarshal manifest: ${error instanceof Error ? error.message : String(error)}`);
  }
}
