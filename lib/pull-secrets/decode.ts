// A pull secret as the pages show it: every entry the kubelet reads, with a fingerprint in place of the password.
import { credentialFingerprint } from './fingerprint';
import { indexKeyOf } from './keyring';
import { readPullSecret, type PullSecretInput } from './read';
import type { DecodedPullSecret } from './types';

export interface PullSecretOptions {
  /** Key for credential fingerprints; a random per-process key when absent. */
  fingerprintKey?: Uint8Array;
}

/**
 * Decodes a pull secret as the kubelet does. Entries the kubelet skips (keys that are not URLs) are kept, with
 * `indexKey` null and the reason, because the UI reports them.
 */
export function decodePullSecret(secret: PullSecretInput, options: PullSecretOptions = {}): DecodedPullSecret {
  const { format, entries } = readPullSecret(secret);
  return {
    format,
    entries: entries.map((entry) => ({
      server: entry.server,
      username: entry.username === '' ? null : entry.username,
      hasPassword: entry.credential !== null,
      fingerprint: entry.credential === null ? null : credentialFingerprint(entry.credential, options.fingerprintKey),
      email: entry.email === '' ? null : entry.email,
      ...indexKeyOf(entry.server),
    })),
  };
}
