// Where an invalid image reference breaks: the first character no valid reference could have there, and the
// registry, path component, tag or digest that holds it, for the UI to point at.
import { goToLower } from './go/strings';
import type { ImageRefBreak, ImageRefPart } from './image-ref';

/**
 * Whether a first component followed by more is a registry: localhost, or anything with a dot or a
 * colon (index.docker.io among them), or with uppercase, since paths are lowercase.
 */
export function isRegistryComponent(component: string): boolean {
  return component === 'localhost' || /[.:]/.test(component) || goToLower(component) !== component;
}

interface Piece {
  part: ImageRefPart;
  start: number;
  end: number;
}

export function breakAtUppercase(input: string, from: number, to: number): ImageRefBreak | null {
  let index = from;
  for (const character of input.slice(from, to)) {
    if (goToLower(character) !== character) return breakAt(input, index);
    index += character.length;
  }
  return null;
}

function breakAt(input: string, index: number): ImageRefBreak | null {
  const piece = anatomy(input).find(({ start, end }) => start <= index && index < end);
  return piece === undefined ? null : { part: piece.part, index, span: [piece.start, piece.end] };
}

/** Finds the first character of an invalid reference that no valid reference could have there. */
export function locateFormatBreak(input: string): ImageRefBreak | null {
  for (const piece of anatomy(input)) {
    const offset = FIRST_BAD_CHARACTER[piece.part](input.slice(piece.start, piece.end));
    if (offset >= 0) return { part: piece.part, index: piece.start + offset, span: [piece.start, piece.end] };
  }
  return null;
}

/**
 * Splits the input as written into registry, path components, tag and digest: the digest after
 * the first `@`, the tag after the first `:` of the last path component, the registry when
 * splitDockerDomain would take the first component for one.
 */
function anatomy(input: string): Piece[] {
  const at = input.indexOf('@');
  const nameAndTagEnd = at < 0 ? input.length : at;
  const nameAndTag = input.slice(0, nameAndTagEnd);
  const colon = nameAndTag.indexOf(':', nameAndTag.lastIndexOf('/') + 1);
  const nameEnd = colon < 0 ? nameAndTagEnd : colon;
  const pieces: Piece[] = [];
  let start = 0;
  for (const component of input.slice(0, nameEnd).split('/')) {
    const isDomain = start === 0 && component.length < nameEnd && isRegistryComponent(component);
    pieces.push({ part: isDomain ? 'registry' : 'repository', start, end: start + component.length });
    start += component.length + 1;
  }
  if (colon >= 0) pieces.push({ part: 'tag', start: colon + 1, end: nameAndTagEnd });
  if (at >= 0) pieces.push({ part: 'digest', start: at + 1, end: input.length });
  return pieces;
}

// Each returns the offset of the first character that breaks the piece (its length when the
// piece stops too early), or -1 when the piece is valid.
const FIRST_BAD_CHARACTER: Record<ImageRefPart, (text: string) => number> = {
  registry: registryBreak,
  repository: pathComponentBreak,
  tag: tagBreak,
  digest: digestBreak,
};

/** A written host that is no valid host still parses when it is a valid path component ("my_host.lan"). */
function registryBreak(text: string): number {
  const hostOffset = hostBreak(text);
  return hostOffset >= 0 && pathComponentBreak(text) >= 0 ? hostOffset : -1;
}

function hostBreak(text: string): number {
  let i = 0;
  if (text[0] === '[') {
    i = 1;
    while (isMatch(/[a-fA-F0-9:]/, text[i])) i++;
    if (i === 1 || text[i] !== ']') return i;
    i++;
  } else {
    for (;;) {
      if (!isMatch(/[a-zA-Z0-9]/, text[i])) return i;
      while (isMatch(/[a-zA-Z0-9-]/, text[i])) i++;
      if (text[i - 1] === '-') return i;
      if (text[i] !== '.') break;
      i++;
    }
  }
  if (i === text.length) return -1;
  if (text[i] !== ':') return i;
  i++;
  if (!isMatch(/[0-9]/, text[i])) return i;
  while (isMatch(/[0-9]/, text[i])) i++;
  return i === text.length ? -1 : i;
}

function pathComponentBreak(text: string): number {
  let i = 0;
  for (;;) {
    if (!isMatch(/[a-z0-9]/, text[i])) return i;
    while (isMatch(/[a-z0-9]/, text[i])) i++;
    if (i === text.length) return -1;
    if (text[i] === '.') i++;
    else if (text[i] === '_') i += text[i + 1] === '_' ? 2 : 1;
    else if (text[i] === '-') while (text[i] === '-') i++;
    else return i;
  }
}

function tagBreak(text: string): number {
  if (!isMatch(/\w/, text[0])) return 0;
  let i = 1;
  while (i < text.length && isMatch(/[\w.-]/, text[i])) i++;
  const maxLength = 128;
  if (i > maxLength) return maxLength;
  return i === text.length ? -1 : i;
}

function digestBreak(text: string): number {
  let i = 0;
  for (;;) {
    if (!isMatch(/[A-Za-z]/, text[i])) return i;
    while (isMatch(/[A-Za-z0-9]/, text[i])) i++;
    if (text[i] === ':') break;
    if (!isMatch(/[-_+.]/, text[i])) return i;
    i++;
  }
  i++;
  const hexStart = i;
  while (isMatch(/[0-9a-fA-F]/, text[i])) i++;
  if (i < text.length) return i;
  const minimumHexLength = 32;
  return i - hexStart < minimumHexLength ? i : -1;
}

function isMatch(pattern: RegExp, character: string | undefined): boolean {
  return character !== undefined && pattern.test(character);
}
