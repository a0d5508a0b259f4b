// The secret `kubectl create secret docker-registry` writes, byte for byte.
import { encodeBase64 } from '../base64';
import { goJsonString } from '../go/json';
import { DEFAULT_REGISTRY_HOST, DOCKER_HUB_SERVER } from './types';

/**
 * The exact bytes of `.dockerconfigjson` that `kubectl create secret docker-registry` writes:
 * Go's json.Marshal of {auths: {server: {username, password, email, auth}}}, empty fields omitted.
 */
export function dockerConfigJson(c: { server: string; username: string; password: string; email?: string | null }): string {
  const auth = encodeBase64(`${c.username}:${c.password}`);
  const fields: Array<[string, string]> = [
    ['username', c.username],
    ['password', c.password],
    ['email', c.email ?? ''],
    ['auth', auth],
  ];
  const entry = fields
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `${goJsonString(name)}:${goJsonString(value)}`)
    .join(',');
  return `{"auths":{${goJsonString(c.server)}:{${entry}}}}`;
}

/** The server kubectl users write for a registry: Docker Hub's legacy URL, otherwise host[:port]. */
export function kubectlServerFor(registry: string): string {
  return registry === 'docker.io' || registry === DEFAULT_REGISTRY_HOST ? DOCKER_HUB_SERVER : registry;
}

