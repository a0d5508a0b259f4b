// Standard base64 (RFC 4648, padded) for the whole app, on the server and in the browser alike. Reading what
// the kubelet reads is a different job: lib/go/base64.ts decodes as Go does.

export function encodeBase64(data: string | Uint8Array): string {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The UTF-8 text `encoded` holds; throws on invalid base64 or invalid UTF-8. */
export function decodeBase64Text(encoded: string): string {
  const bytes = Uint8Array.from(atob(encoded), (character) => character.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}
