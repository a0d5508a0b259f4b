import 'server-only';

import { loginOf, readPullSecret, type PullSecretInput, type PullSecretLogin } from './read';

export type { PullSecretLogin };

/**
 * The username and password of each entry, read by the same pipeline as decodePullSecret, for the server to
 * test against a registry. Never send the result to a browser: decodePullSecret is the form to show.
 */
export function pullSecretLogins(secret: PullSecretInput): PullSecretLogin[] {
  return readPullSecret(secret).entries.map(loginOf);
}
