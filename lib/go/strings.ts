/** Go's strings.TrimSpace (unicode.IsSpace), which differs from String.prototype.trim at U+0085 and U+FEFF. */
export function trimGoSpace(text: string): string {
  return text.replace(GO_LEADING_SPACE, '').replace(GO_TRAILING_SPACE, '');
}

const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+';
const GO_LEADING_SPACE = new RegExp(`^${GO_SPACE}`);
const GO_TRAILING_SPACE = new RegExp(`${GO_SPACE}$`);

/**
 * Go's strings.ToLower maps each code point on its own (simple case mapping), where JavaScript
 * applies full mappings: they differ on U+0130, which Go lowers to a plain "i".
 */
export function goToLower(text: string): string {
  let lowered = '';
  for (const character of text) lowered += character === '\u0130' ? 'i' : character.toLowerCase();
  return lowered;
}
