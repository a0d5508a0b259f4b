import { describe, expect, it } from 'vitest';
import { goQuote } from './strconv';

describe('goQuote', () => {
  it.each([
    ['nginx', '"nginx"'],
    ['', '""'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['\n\t\r\x07\b\f\v', '"\\n\\t\\r\\a\\b\\f\\v"'],
    ['\x00\x1b\x7f', '"\\x00\\x1b\\x7f"'],
    ['naïve 漢字 ✓ 😀', '"naïve 漢字 ✓ 😀"'],
    ['\u00a0\u200b\u2028', '"\\u00a0\\u200b\\u2028"'],
    ['\u{e0001}', '"\\U000e0001"'],
    ['x\ud800y', '"x\ufffdy"'],
  ])('quotes %j as %s', (text, quoted) => {
    expect(goQuote(text)).toBe(quoted);
  });
});
