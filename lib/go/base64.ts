// Base64 as Go's encoding/base64 StdEncoding (padded) and RawStdEncoding decode it (decodeQuantum), including
// the input offset Go reports in a CorruptInputError, which the kubelet shows as the pull's error.
import { toByteString } from './bytes';

export type GoBase64Result = { ok: true; bytes: Uint8Array } | { ok: false; corruptAt: number };

/** `\r` and `\n` are skipped anywhere; trailing bits need not be zero. Offsets count UTF-8 bytes, as Go's do. */
export function decodeGoBase64(text: string, padded: boolean): GoBase64Result {
  const input = toByteString(text);
  const out: number[] = [];
  let i = 0;
  for (;;) {
    const quantum: number[] = [];
    let end = false;
    while (quantum.length < 4) {
      if (i === input.length) {
        if (quantum.length === 0) return { ok: true, bytes: Uint8Array.from(out) };
        if (quantum.length === 1 || padded) return { ok: false, corruptAt: i - quantum.length };
        end = true;
        break;
      }
      const c = input[i++] as string;
      if (c === '\r' || c === '\n') continue;
      if (c === '=' && padded) {
        if (quantum.length < 2) return { ok: false, corruptAt: i - 1 };
        if (quantum.length === 2) {
          i = skipLineBreaks(input, i);
          if (i === input.length) return { ok: false, corruptAt: input.length };
          if (input[i] !== '=') return { ok: false, corruptAt: i - 1 };
          i++;
        }
        i = skipLineBreaks(input, i);
        if (i < input.length) return { ok: false, corruptAt: i };
        end = true;
        break;
      }
      const value = BASE64_ALPHABET.indexOf(c);
      if (value < 0) return { ok: false, corruptAt: i - 1 };
      quantum.push(value);
    }
    const [a = 0, b = 0, c = 0, d = 0] = quantum;
    const bits = (a << 18) | (b << 12) | (c << 6) | d;
    out.push((bits >> 16) & 0xff);
    if (quantum.length > 2) out.push((bits >> 8) & 0xff);
    if (quantum.length > 3) out.push(bits & 0xff);
    if (end) return { ok: true, bytes: Uint8Array.from(out) };
  }
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function skipLineBreaks(input: string, from: number): number {
  let i = from;
  while (input[i] === '\r' || input[i] === '\n') i++;
  return i;
}
