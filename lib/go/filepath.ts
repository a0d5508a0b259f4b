// Go's path/filepath.Match (Unix) over byte strings, with runes decoded as unicode/utf8 decodes them.
import { toByteString } from './bytes';

/** `*`, `?`, `[...]` classes and `\` escapes; throws on a malformed pattern. */
export function filepathMatch(pattern: string, name: string): boolean {
  const matched = matchPattern(toByteString(pattern), toByteString(name));
  if (matched === null) throw new Error('syntax error in pattern');
  return matched;
}

/** Match over byte strings; null means a malformed pattern (ErrBadPattern). */
export function matchPattern(pattern: string, name: string): boolean | null {
  let rest = pattern;
  let remaining = name;
  patterns: while (rest.length > 0) {
    const { star, chunk, after } = scanChunk(rest);
    rest = after;
    if (star && chunk === '') return !remaining.includes('/');
    const here = matchChunk(chunk, remaining);
    if (here.ok && (here.rest.length === 0 || rest.length > 0)) {
      remaining = here.rest;
      continue;
    }
    if (here.bad) return null;
    if (star) {
      for (let i = 0; i < remaining.length && remaining[i] !== '/'; i++) {
        const skipped = matchChunk(chunk, remaining.slice(i + 1));
        if (skipped.ok) {
          if (rest.length === 0 && skipped.rest.length > 0) continue;
          remaining = skipped.rest;
          continue patterns;
        }
        if (skipped.bad) return null;
      }
    }
    // Before answering no, make sure the rest of the pattern is well formed.
    while (rest.length > 0) {
      const next = scanChunk(rest);
      rest = next.after;
      if (matchChunk(next.chunk, '').bad) return null;
    }
    return false;
  }
  return remaining.length === 0;
}

function scanChunk(pattern: string): { star: boolean; chunk: string; after: string } {
  let start = 0;
  while (pattern[start] === '*') start++;
  const body = pattern.slice(start);
  let inRange = false;
  let i = 0;
  for (; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      if (i + 1 < body.length) i++;
    } else if (c === '[') inRange = true;
    else if (c === ']') inRange = false;
    else if (c === '*' && !inRange) break;
  }
  return { star: start > 0, chunk: body.slice(0, i), after: body.slice(i) };
}

type ChunkMatch = { ok: true; bad: false; rest: string } | { ok: false; bad: boolean; rest: '' };

/** matchChunk: keeps reading the chunk after a failure so that a malformed pattern is always reported. */
function matchChunk(chunk: string, text: string): ChunkMatch {
  let c = chunk;
  let s = text;
  let failed = false;
  while (c.length > 0) {
    if (!failed && s.length === 0) failed = true;
    const op = c[0];
    if (op === '[') {
      let rune = 0;
      if (!failed) {
        const [r, width] = decodeRune(s);
        rune = r;
        s = s.slice(width);
      }
      c = c.slice(1);
      const negated = c[0] === '^';
      if (negated) c = c.slice(1);
      let matched = false;
      let ranges = 0;
      for (;;) {
        if (c[0] === ']' && ranges > 0) {
          c = c.slice(1);
          break;
        }
        const lo = classChar(c);
        if (lo === null) return { ok: false, bad: true, rest: '' };
        let hi = lo;
        c = lo.after;
        if (c[0] === '-') {
          const upper = classChar(c.slice(1));
          if (upper === null) return { ok: false, bad: true, rest: '' };
          hi = upper;
          c = upper.after;
        }
        matched = matched || (lo.rune <= rune && rune <= hi.rune);
        ranges++;
      }
      failed = failed || matched === negated;
    } else if (op === '?') {
      if (!failed) {
        failed = s[0] === '/';
        s = s.slice(decodeRune(s)[1]);
      }
      c = c.slice(1);
    } else {
      if (op === '\\') {
        c = c.slice(1);
        if (c.length === 0) return { ok: false, bad: true, rest: '' };
      }
      if (!failed) {
        failed = c[0] !== s[0];
        s = s.slice(1);
      }
      c = c.slice(1);
    }
  }
  return failed ? { ok: false, bad: false, rest: '' } : { ok: true, bad: false, rest: s };
}

/** getEsc: one possibly escaped character of a class; null for a malformed class. */
function classChar(chunk: string): { rune: number; after: string } | null {
  if (chunk.length === 0 || chunk[0] === '-' || chunk[0] === ']') return null;
  const body = chunk[0] === '\\' ? chunk.slice(1) : chunk;
  if (body.length === 0) return null;
  const [rune, width] = decodeRune(body);
  const after = body.slice(width);
  if ((rune === RUNE_ERROR && width === 1) || after.length === 0) return null;
  return { rune, after };
}

const RUNE_ERROR = 0xfffd;

/** utf8.DecodeRuneInString over a byte string: [rune, width], RuneError with width 1 for invalid bytes. */
function decodeRune(s: string): [number, number] {
  if (s.length === 0) return [RUNE_ERROR, 0];
  const b0 = s.charCodeAt(0);
  if (b0 < 0x80) return [b0, 1];
  const form = utf8Form(b0);
  if (form === null || s.length < form.width) return [RUNE_ERROR, 1];
  let rune = b0 & (0xff >> (form.width + 1));
  for (let i = 1; i < form.width; i++) {
    const b = s.charCodeAt(i);
    const [lo, hi] = i === 1 ? [form.secondMin, form.secondMax] : [0x80, 0xbf];
    if (b < lo || b > hi) return [RUNE_ERROR, 1];
    rune = (rune << 6) | (b & 0x3f);
  }
  return [rune, form.width];
}

/** The length a UTF-8 lead byte announces, and the range its second byte must fall in (no overlongs, surrogates or runes past U+10FFFF). */
function utf8Form(lead: number): { width: number; secondMin: number; secondMax: number } | null {
  if (lead < 0xc2 || lead > 0xf4) return null;
  if (lead < 0xe0) return { width: 2, secondMin: 0x80, secondMax: 0xbf };
  if (lead < 0xf0) return { width: 3, secondMin: lead === 0xe0 ? 0xa0 : 0x80, secondMax: lead === 0xed ? 0x9f : 0xbf };
  return { width: 4, secondMin: lead === 0xf0 ? 0x90 : 0x80, secondMax: lead === 0xf4 ? 0x8f : 0xbf };
}
