import 'server-only';

import type { V1Pod } from '@kubernetes/client-node';
import type { PodRegistryInfo, PlatformComparison, RateLimitInfo, RegistryCheckResponse, TagSuggestionsResult } from '../api/types';
import type { RegistryCheckBody } from '../api/registry-validation';
import { ImageRefError, parseImageRef, type ImageRef } from '../image-ref';
import { assertAllowedTarget } from '../registry/address-guard';
import { checkImageAccess, checkRateLimit, fetchManifestPlatforms, listTags, type RegistryLogin } from '../registry/client';
import { describeHeadroom, describeHubAllowance } from '../registry/rate-limit';
import { resolveEndpoint } from '../registry/endpoints';
import { RegistryError } from '../registry/errors';
import { suggestTags } from '../tag-suggest';
import { clientsFor, type KubeClients } from './config';
import { ApiError } from '../api/errors';
import { podContainers } from './pull-waits';
import { getNode, getPod } from './reads';
import { podLoginFor, secretLoginFor } from './registry-credentials';

/** Registry calls made on a person's behalf: short enough to answer while they wait, small enough to hold. */
const REGISTRY_OPTIONS = { timeoutMs: 8_000, maxBodyBytes: 1024 * 1024 };
/** Tags fetched for suggestions: ten pages of a hundred. */
const TAG_PAGE = 100;
const TAG_PAGES = 10;

/**
 * Can this credential pull this image? Only registries that the given pod's images or the given secret name
 * are contacted, never a link-local or metadata address, so the check cannot be aimed at arbitrary hosts.
 */
export async function checkRegistryCredential(input: RegistryCheckBody): Promise<RegistryCheckResponse> {
  const image = parseImage(input.image);
  const clients = clientsFor(input.context);
  const podHosts = input.pod === undefined ? null : imageHosts(await getPod(clients, input.pod.namespace, input.pod.name));
  const credential = input.credential;
  const login =
    credential.kind === 'secret' ? await secretLoginFor(clients, credential.namespace, credential.name, image.normalized) : null;
  // A secret with an entry the kubelet would use for this image names its registry; otherwise the pod must.
  if (login === null && !(podHosts?.has(image.registry) ?? false)) {
    throw new ApiError(
      'invalid-input',
      400,
      podHosts === null
        ? 'name the pod whose image this is: pullfix only contacts registries that a pod\'s image or the tested secret names'
        : `${image.registry} is not the registry of any image of pod "${input.pod?.name}" (${[...podHosts].join(', ') || 'none'}), so pullfix does not contact it`,
    );
  }
  await guardEndpoint(image.registry);

  const registryLogin: RegistryLogin | null =
    credential.kind === 'typed' ? { username: credential.username, password: credential.password } : login;
  const result = await checkImageAccess(image, registryLogin, REGISTRY_OPTIONS);
  const base = {
    registry: image.registry,
    repository: image.repository,
    reference: image.digest ?? image.tag ?? 'latest',
    username: registryLogin?.username ?? null,
    secret: login?.secret ?? null,
    checkedAt: new Date().toISOString(),
  };
  if (!result.ok) return { ...base, ok: false, cause: result.cause, message: result.message, digest: null, platforms: null };
  const who = registryLogin === null ? 'Anonymous pulls' : `${registryLogin.username}${login ? ` (secret ${login.secret})` : ''}`;
  return {
    ...base,
    ok: true,
    cause: null,
    message: `${who} can pull ${image.familiar}: ${result.digest}`,
    digest: result.digest,
    platforms: result.platforms,
  };
}

/**
 * For one container of a pod: the repository's tags ranked against the tag it asks for, and the platforms its
 * image offers beside the node's. Uses the credential the kubelet would use (the pod's own pull secrets).
 */
export async function getPodRegistryInfo(context: string, namespace: string, podName: string, containerName: string): Promise<PodRegistryInfo> {
  const { clients, pod, input, image, login } = await podImage(context, namespace, podName, containerName);
  const [tags, platforms] = await Promise.all([tagSuggestions(image, login), platformComparison(clients, pod, image, login)]);
  return {
    container: containerName,
    image: input,
    requestedTag: image.tag,
    credential: login === null ? null : { secret: login.secret, username: login.username },
    tags,
    platforms,
  };
}

/**
 * The pull allowance the registry states for the login the kubelet would use (Docker Hub's ratelimit headers):
 * one HEAD of the manifest, which Hub does not count as a pull, and nothing else, so reading it costs none.
 */
export async function getPodRateLimit(context: string, namespace: string, podName: string, containerName: string): Promise<RateLimitInfo> {
  const { image, login } = await podImage(context, namespace, podName, containerName);
  const checked = await checkRateLimit(image, login, REGISTRY_OPTIONS);
  if (!checked.ok) return { ok: false, cause: checked.cause, message: checked.message };
  if (checked.headroom === null) return { ok: true, limit: null, text: null };
  const text = image.registry === 'docker.io' ? describeHubAllowance(checked.headroom) : describeHeadroom(checked.headroom);
  return { ok: true, ...checked.headroom, text };
}

/** One container's image and the pull secret the kubelet would use for it, once its registry may be contacted. */
async function podImage(context: string, namespace: string, podName: string, containerName: string) {
  const clients = clientsFor(context);
  const pod = await getPod(clients, namespace, podName);
  const container = podContainers(pod).find((candidate) => candidate.name === containerName);
  if (container === undefined) {
    throw new ApiError('not-found', 404, `pod "${podName}" has no container "${containerName}"`);
  }
  const image = parseImage(container.image);
  await guardEndpoint(image.registry);
  return { clients, pod, input: container.image, image, login: await podLoginFor(clients, pod, image.normalized) };
}

async function tagSuggestions(image: ImageRef, login: RegistryLogin | null): Promise<TagSuggestionsResult> {
  const listed = await listTags(image, login, { ...REGISTRY_OPTIONS, limit: TAG_PAGE, pages: TAG_PAGES });
  if (!listed.ok) return { ok: false, cause: listed.cause, message: listed.message };
  return { ok: true, suggestions: suggestTags(image.tag ?? '', listed.tags), complete: listed.complete };
}

async function platformComparison(clients: KubeClients, pod: V1Pod, image: ImageRef, login: RegistryLogin | null): Promise<PlatformComparison> {
  const nodeName = pod.spec?.nodeName ?? null;
  const [offered, node] = await Promise.all([fetchManifestPlatforms(image, login, REGISTRY_OPTIONS), nodePlatform(clients, nodeName)]);
  return {
    image: offered.ok ? offered.platforms : null,
    imageMessage: offered.ok ? (offered.platforms === null ? 'the image does not say which platform it is for' : null) : offered.message,
    nodeName,
    node: node.platform,
    nodeMessage: node.message,
  };
}

async function nodePlatform(clients: KubeClients, nodeName: string | null): Promise<{ platform: string | null; message: string | null }> {
  if (nodeName === null) return { platform: null, message: 'the pod is not scheduled on a node yet' };
  try {
    const info = (await getNode(clients, nodeName)).status?.nodeInfo;
    if (!info?.operatingSystem || !info.architecture) return { platform: null, message: `node ${nodeName} does not report its platform` };
    return { platform: `${info.operatingSystem}/${info.architecture}`, message: null };
  } catch (error) {
    if (!(error instanceof ApiError) || (error.code !== 'forbidden' && error.code !== 'not-found')) throw error;
    return {
      platform: null,
      message: error.code === 'forbidden' ? `unknown: the user of context "${clients.context}" may not read node ${nodeName}` : `unknown: node ${nodeName} no longer exists`,
    };
  }
}

/** The endpoint the registry host is really served at (the configuration may map it) must be an allowed target. */
async function guardEndpoint(registry: string): Promise<void> {
  try {
    await assertAllowedTarget(new URL(resolveEndpoint(registry).url).hostname);
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    if (error.code === 'forbidden-address') throw new ApiError('invalid-input', 400, error.message);
    throw new ApiError('registry-error', 502, error.message);
  }
}

function imageHosts(pod: V1Pod): Set<string> {
  const hosts = new Set<string>();
  for (const container of podContainers(pod)) {
    try {
      hosts.add(parseImageRef(container.image).registry);
    } catch (error) {
      if (!(error instanceof ImageRefError)) throw error;
    }
  }
  return hosts;
}

function parseImage(input: string): ImageRef {
  try {
    return parseImageRef(input);
  } catch (error) {
    if (error instanceof ImageRefError) throw new ApiError('invalid-input', 400, `the image reference "${input}" is not valid: ${error.message}`);
    throw error;
  }
}
