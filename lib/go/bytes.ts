// Byte strings: Go compares, sorts and slices strings by byte, so the ports in this folder handle text as its
// UTF-8 bytes, one char per byte.

export function toByteString(text: string): string {
  // ASCII text is its own UTF-8, and image names and registry hosts nearly always are: the diagnosis converts
  // one per credential-provider pattern per failing container, so the copy is skipped where it changes nothing.
  if (ASCII.test(text)) return text;
  return Array.from(new TextEncoder().encode(text), (b) => String.fromCharCode(b)).join('');
}

export function fromByteString(bytes: string): string {
  return new TextDecoder().decode(Uint8Array.from(bytes, (c) => c.charCodeAt(0)));
}

const ASCII = /^[\x00-\x7f]*$/;
