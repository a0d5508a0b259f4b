// Go's strconv.Quote, which the kubelet's messages use to quote images and keys.

/** Go's %q (strconv.Quote), which the kubelet uses to quote the image in its messages. */
export function goQuote(text: string): string {
  let quoted = '"';
  for (const character of text) quoted += goEscape(character);
  return `${quoted}"`;
}

const GO_NAMED_ESCAPES = new Map([
  ['\x07', '\\a'],
  ['\b', '\\b'],
  ['\f', '\\f'],
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
  ['\v', '\\v'],
]);
// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const GO_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function goEscape(character: string): string {
  if (character === '"' || character === '\\') return `\\${character}`;
  const codePoint = character.codePointAt(0) ?? 0;
  // A lone surrogate cannot reach Go: decoding the pod's JSON already turned it into U+FFFD.
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return '\ufffd';
  if (GO_PRINTABLE.test(character)) return character;
  const named = GO_NAMED_ESCAPES.get(character);
  if (named !== undefined) return named;
  if (codePoint < 0x20 || codePoint === 0x7f) return `\\x${hex(codePoint, 2)}`;
  return codePoint < 0x10000 ? `\\u${hex(codePoint, 4)}` : `\\U${hex(codePoint, 8)}`;
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}
