// Go's encoding/json where its output or its reading differs from JavaScript's JSON.

/** json.Marshal's string encoding (HTML-safe, as kubectl uses it). */
export function goJsonString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (char in GO_SHORT_ESCAPES) out += GO_SHORT_ESCAPES[char];
    else if (code < 0x20 || char === '<' || char === '>' || char === '&' || code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      // A lone surrogate has no UTF-8 form; Go writes invalid UTF-8 as the replacement character.
      out += '\\ufffd';
    } else out += char;
  }
  return `${out}"`;
}

const GO_SHORT_ESCAPES: Record<string, string> = { '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * encoding/json matches struct fields case-insensitively with Unicode simple folding, under which the Kelvin
 * sign folds to K and the long s to S.
 */
export function goFoldFieldName(name: string): string {
  return name.replace(/[a-z\u017f\u212a]/g, (c) => (c === '\u017f' ? 'S' : c === '\u212a' ? 'K' : c.toUpperCase()));
}

/**
 * encoding/json's syntax error for text JSON.parse refused, for the common case of a stray character where a
 * value should start (JavaScript's parser names the same character); otherwise Go's end-of-input error.
 */
export function goJsonSyntaxError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    const token = /Unexpected token '?(.)'?/.exec(error instanceof Error ? error.message : '');
    if (token) return `invalid character '${token[1]}' looking for beginning of value`;
  }
  return 'unexpected end of JSON input';
}
