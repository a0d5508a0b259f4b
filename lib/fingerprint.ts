// Credential fingerprints: a short keyed hash that lets the UI say "these two secrets hold the same
// credentials" without revealing them. The hash is written here rather than taken from node:crypto
// or SubtleCrypto because pull-secrets.ts must stay synchronous and run in the browser as well.

const FINGERPRINT_HEX_CHARS = 12;
const FINGERPRINT_PREFIX = 'fp:';

/**
 * The fingerprint of a username:password pair (given as its bytes), keyed with `key` or, when no key
 * is given, with a random key made once per process: comparable within one server run, useless for
 * guessing passwords offline.
 */
export function credentialFingerprint(usernameColonPassword: Uint8Array, key?: Uint8Array): string {
  const mac = hmacSha256(key ?? processFingerprintKey(), usernameColonPassword);
  return FINGERPRINT_PREFIX + toHex(mac).slice(0, FINGERPRINT_HEX_CHARS);
}

/** HMAC-SHA256 per RFC 2104. */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  const blockKey = new Uint8Array(SHA256_BLOCK_BYTES);
  blockKey.set(key.length > SHA256_BLOCK_BYTES ? sha256(key) : key);
  const inner = new Uint8Array(SHA256_BLOCK_BYTES + message.length);
  const outer = new Uint8Array(SHA256_BLOCK_BYTES + SHA256_DIGEST_BYTES);
  for (let i = 0; i < SHA256_BLOCK_BYTES; i++) {
    const k = blockKey[i] ?? 0;
    inner[i] = k ^ 0x36;
    outer[i] = k ^ 0x5c;
  }
  inner.set(message, SHA256_BLOCK_BYTES);
  outer.set(sha256(inner), SHA256_BLOCK_BYTES);
  return sha256(outer);
}

/** SHA-256 per FIPS 180-4. */
export function sha256(message: Uint8Array): Uint8Array {
  const state = Uint32Array.from(SHA256_INITIAL_STATE);
  const words = new Uint32Array(64);
  const padded = padMessage(message);
  const view = new DataView(padded.buffer);
  for (let offset = 0; offset < padded.length; offset += SHA256_BLOCK_BYTES) {
    for (let t = 0; t < 16; t++) words[t] = view.getUint32(offset + t * 4);
    for (let t = 16; t < 64; t++) {
      const w15 = words[t - 15] ?? 0;
      const w2 = words[t - 2] ?? 0;
      const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
      const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
      words[t] = ((words[t - 16] ?? 0) + s0 + (words[t - 7] ?? 0) + s1) >>> 0;
    }
    compress(state, words);
  }
  const digest = new Uint8Array(SHA256_DIGEST_BYTES);
  const out = new DataView(digest.buffer);
  state.forEach((word, i) => out.setUint32(i * 4, word));
  return digest;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const SHA256_BLOCK_BYTES = 64;
const SHA256_DIGEST_BYTES = 32;
const PROCESS_KEY_BYTES = 32;

let processKey: Uint8Array | null = null;

function processFingerprintKey(): Uint8Array {
  if (processKey === null) {
    processKey = globalThis.crypto.getRandomValues(new Uint8Array(PROCESS_KEY_BYTES));
  }
  return processKey;
}

function padMessage(message: Uint8Array): Uint8Array {
  // The message, a 1 bit, zeros, then the bit length as a 64-bit big-endian number.
  const length = Math.ceil((message.length + 9) / SHA256_BLOCK_BYTES) * SHA256_BLOCK_BYTES;
  const padded = new Uint8Array(length);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bitLength = message.length * 8;
  view.setUint32(length - 8, Math.floor(bitLength / 0x1_0000_0000));
  view.setUint32(length - 4, bitLength >>> 0);
  return padded;
}

function compress(state: Uint32Array, words: Uint32Array): void {
  let [a, b, c, d, e, f, g, h] = Array.from(state) as [number, number, number, number, number, number, number, number];
  for (let t = 0; t < 64; t++) {
    const s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    const choice = (e & f) ^ (~e & g);
    const t1 = (h + s1 + choice + (SHA256_ROUND_CONSTANTS[t] ?? 0) + (words[t] ?? 0)) >>> 0;
    const s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    const majority = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (s0 + majority) >>> 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) >>> 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) >>> 0;
  }
  [a, b, c, d, e, f, g, h].forEach((value, i) => {
    state[i] = ((state[i] ?? 0) + value) >>> 0;
  });
}

function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}

const SHA256_INITIAL_STATE = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

const SHA256_ROUND_CONSTANTS = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
