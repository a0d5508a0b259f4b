import type { ImageRef } from '../../lib/image-ref';
import type { PullError, PullFailureFact } from '../registry/session';

/**
 * The container runtimes whose words the simulated kubelet can speak (`npm run sim -- --runtime <dialect>`).
 * Each one words the same failed pull the way that runtime's source does:
 * - containerd-2: containerd 1.7 to 2.x (internal/cri/server/images/image_pull.go, core/remotes/docker), the default;
 * - containerd-1.6: containerd 1.6.0 to 1.6.20, whose resolver named the host and path parts of a refused
 *   request ("pulling from host %s failed with status code %v: %v"), printed a token service's refusal as
 *   "unexpected status: %s", and was built with a Go whose x509 errors had no "tls: failed to verify" prefix;
 * - cri-o: CRI-O over containers/image ("initializing source %s", "reading manifest %s in %s",
 *   "pinging container registry %s", "unable to retrieve auth token: invalid username/password",
 *   "too many requests to registry"), with the RegistryUnavailable prefix on a refused connection;
 * - docker: a dockershim kubelet (before 1.24) relaying the Docker daemon's words through gRPC
 *   ("rpc error: code = Unknown desc = Error response from daemon: ...").
 */
export type RuntimeDialect = 'containerd-1.6' | 'containerd-2' | 'cri-o' | 'docker';

export const RUNTIME_DIALECTS: readonly RuntimeDialect[] = ['containerd-2', 'containerd-1.6', 'cri-o', 'docker'];

export function isRuntimeDialect(value: string): value is RuntimeDialect {
  return (RUNTIME_DIALECTS as readonly string[]).includes(value);
}

/**
 * One failed pull attempt as `runtime` reports it to the kubelet. A failure with no fact (a corrupt manifest, a
 * digest that does not match) is worded as containerd words it, in the runtime's outer wrapper.
 */
export function wordPullFailure(runtime: RuntimeDialect, ref: ImageRef, error: PullError, platform: string): string {
  switch (runtime) {
    case 'containerd-2':
      return containerd(ref, error.message);
    case 'containerd-1.6':
      return containerd(ref, error.fact ? containerd16(ref, error.message, error.fact) : error.message);
    case 'cri-o':
      return error.fact ? crio(ref, error.fact, platform) : `unable to pull image: ${error.message}`;
    case 'docker':
      return `rpc error: code = Unknown desc = Error response from daemon: ${error.fact ? dockerDaemon(ref, error.fact, platform) : error.message}`;
  }
}

/** internal/cri/server/images/image_pull.go: "failed to pull and unpack image %q: %w". */
function containerd(ref: ImageRef, inner: string): string {
  return `failed to pull and unpack image "${ref.normalized}": ${inner}`;
}

/** containerd 1.6.0's words for the parts where 1.7 changed them; the rest of the chain is the same. */
function containerd16(ref: ImageRef, message: string, fact: PullFailureFact): string {
  switch (fact.kind) {
    case 'status':
      // remotes/docker/resolver.go (v1.6.0) Resolve; the fetcher's words did not change.
      if (fact.method !== 'HEAD') return message;
      return message.replace(
        `unexpected status from HEAD request to ${fact.url}: ${fact.statusLine}`,
        `pulling from host ${new URL(fact.url).host} failed with status code [manifests ${objectOf(ref)}]: ${fact.statusLine}`,
      );
    case 'token-status':
      // remotes/errors/errors.go (v1.6.0): ErrUnexpectedStatus printed only the status.
      return message.replace(`unexpected status from GET request to ${fact.url}: ${fact.statusLine}`, `unexpected status: ${fact.statusLine}`);
    case 'transport':
      return message.replace(fact.detail, beforeGo120(fact.detail));
    default:
      return message;
  }
}

/**
 * CRI-O: internal/storage/image.go wraps copy.Image's error ("unable to pull image: %w"), whose words come from
 * containers/image; server/image_pull.go prefixes ErrRegistryUnavailable when the connection was refused.
 */
function crio(ref: ImageRef, fact: PullFailureFact, platform: string): string {
  const source = `docker://${ref.normalized}`;
  const name = `${ref.registry}/${ref.repository}`;
  const readingManifest = (words: string) => `initializing source ${source}: reading manifest ${objectOf(ref)} in ${name}: ${words}`;
  let inner: string;
  switch (fact.kind) {
    case 'not-found':
      inner = readingManifest('manifest unknown');
      break;
    case 'challenge-denied':
      inner = readingManifest('requested access to the resource is denied');
      break;
    case 'no-basic-auth':
      inner = readingManifest('unauthorized: authentication required');
      break;
    case 'token-status':
      inner = `initializing source ${source}: ${crioTokenRefusal(fact.status, fact.statusLine)}`;
      break;
    case 'status':
      inner = fact.status === 429 ? `initializing source ${source}: too many requests to registry` : readingManifest(crioStatusWords(fact));
      break;
    case 'transport': {
      const host = new URL(fact.url).host;
      inner = `initializing source ${source}: pinging container registry ${host}: Get "https://${host}/v2/": ${fact.detail}`;
      break;
    }
    case 'platform': {
      const [os, architecture, variant] = platform.split('/');
      inner = `choosing an image from manifest list ${source}: no image found in manifest list for architecture "${architecture ?? ''}", variant "${variant ?? ''}", OS "${os ?? ''}"`;
      break;
    }
  }
  const pulled = `unable to pull image: ${inner}`;
  return fact.kind === 'transport' && fact.refused ? `RegistryUnavailable: ${pulled}` : pulled;
}

/** containers/image docker/errors.go httpResponseToError, for the token request ("Requesting bearer token"). */
function crioTokenRefusal(status: number, statusLine: string): string {
  if (status === 401) return 'unable to retrieve auth token: invalid username/password: unauthorized: authentication required';
  if (status === 429) return 'too many requests to registry';
  return `Requesting bearer token: invalid status code from registry ${status} (${statusText(statusLine)})`;
}

/** The registry's own errors when it sent them, else the distribution errcode's default words for the status. */
function crioStatusWords(fact: Extract<PullFailureFact, { kind: 'status' }>): string {
  if (fact.registryErrors) return fact.registryErrors;
  if (fact.status === 401) return 'unauthorized: authentication required';
  if (fact.status === 403) return 'denied: requested access to the resource is denied';
  return `invalid status code from registry ${fact.status} (${statusText(fact.statusLine)})`;
}

/** moby's distribution pull as the daemon reports it (distribution/errors.go, registry/errors.go). */
function dockerDaemon(ref: ImageRef, fact: PullFailureFact, platform: string): string {
  const denied = `pull access denied for ${familiarName(ref)}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`;
  switch (fact.kind) {
    case 'not-found':
      return `manifest for ${ref.familiar} not found: manifest unknown: manifest unknown`;
    case 'challenge-denied':
      return denied;
    case 'no-basic-auth':
      return `Get "${manifestUrl(ref)}": no basic auth credentials`;
    case 'token-status':
      return fact.status === 429 ? 'toomanyrequests: Too Many Requests' : denied;
    case 'status':
      if (fact.status === 429) return fact.registryErrors ?? 'toomanyrequests: Too Many Requests';
      if (fact.status === 401 || fact.status === 403) return denied;
      return `received unexpected HTTP status: ${fact.statusLine}`;
    case 'transport':
      return `Get "https://${new URL(fact.url).host}/v2/": ${beforeGo120(fact.detail)}`;
    case 'platform':
      return `no matching manifest for ${platform} in the manifest list entries`;
  }
}

/** Go before 1.20 printed certificate failures without crypto/tls's "tls: failed to verify certificate: ". */
function beforeGo120(detail: string): string {
  return detail.replace('tls: failed to verify certificate: ', '');
}

function objectOf(ref: ImageRef): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

/** reference.FamiliarName: Docker Hub's short form without tag or digest ("nginx", "acme/api", "ghcr.io/acme/api"). */
function familiarName(ref: ImageRef): string {
  if (ref.registry !== 'docker.io') return `${ref.registry}/${ref.repository}`;
  return ref.repository.replace(/^library\/(?=[^/]+$)/, '');
}

function manifestUrl(ref: ImageRef): string {
  const host = ref.registry === 'docker.io' ? 'registry-1.docker.io' : ref.registry;
  return `https://${host}/v2/${ref.repository}/manifests/${objectOf(ref)}`;
}

/** "401 Unauthorized" -> "Unauthorized", as http.StatusText gives it. */
function statusText(statusLine: string): string {
  return statusLine.replace(/^\d+\s*/, '');
}
