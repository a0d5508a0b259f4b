// Credential fingerprints: a short keyed hash that lets the UI say "these two secrets hold the same
// credentials" without revealing them. Server only: the key never leaves the process.
import { createHmac, randomBytes } from 'node:crypto';

const FINGERPRINT_HEX_CHARS = 12;
const FINGERPRINT_PREFIX = 'fp:';

/**
 * The fingerprint of a username:password pair (given as its bytes), keyed with `key` or, when no key is given,
 * with a random key made once per process: comparable within one server run, useless for guessing passwords
 * offline.
 */
export function credentialFingerprint(usernameColonPassword: Uint8Array | string, key: Uint8Array = processKey): string {
  const mac = createHmac('sha256', key).update(usernameColonPassword).digest('hex');
  return FINGERPRINT_PREFIX + mac.slice(0, FINGERPRINT_HEX_CHARS);
}

const processKey = randomBytes(32);
