import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromByteString, toByteString } from './bytes';

/** The definition: one char per UTF-8 byte. */
function utf8Bytes(text: string): string {
  return Array.from(new TextEncoder().encode(text), (b) => String.fromCharCode(b)).join('');
}

describe('byte strings', () => {
  it('are the UTF-8 bytes of any text, ASCII or not, and decode back', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (text) => {
        expect(toByteString(text)).toBe(utf8Bytes(text));
        expect(fromByteString(toByteString(text))).toBe(text);
      }),
    );
  });

  it('spell a non-ASCII character as its bytes', () => {
    expect(toByteString('é.gcr.io')).toBe('\xc3\xa9.gcr.io');
    expect(toByteString('\x7f')).toBe('\x7f');
    expect(toByteString('\x80')).toBe('\xc2\x80');
  });
});
