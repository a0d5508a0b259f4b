// Byte strings: Go compares, sorts and slices strings by byte, so the ports in this folder handle text as its
// UTF-8 bytes, one char per byte.

export function toByteString(text: string): string {
  return Array.from(new TextEncoder().encode(text), (b) => String.fromCharCode(b)).join('');
}

export function fromByteString(bytes: string): string {
  return new TextDecoder().decode(Uint8Array.from(bytes, (c) => c.charCodeAt(0)));
}
