import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { damerauLevenshtein, suggestTags, versionOf } from './tag-suggest';

describe('suggestTags', () => {
  it.each([
    {
      name: 'a typo in the variant: the same version with the variant fixed, then the bare version',
      requested: '1.27-alpne',
      tags: ['latest', '1.26-alpine', '1.27', '1.27-alpine'],
      expected: ['1.27-alpine', '1.27', '1.26-alpine', 'latest'],
    },
    {
      name: 'the same version line before a nearer spelling of another version',
      requested: '1.27-alpne',
      tags: ['1.26-alpine', '1.27.3-bookworm', '1.28-alpine', '1.27-alpine', 'mainline'],
      expected: ['1.27-alpine', '1.27.3-bookworm', '1.28-alpine', '1.26-alpine', 'mainline'],
    },
    {
      name: 'a misspelt word tag goes by spelling alone',
      requested: 'lates',
      tags: ['stable', 'latest', '1.0', 'lts'],
      expected: ['latest', 'lts', '1.0', 'stable'],
    },
    {
      name: 'a transposition counts as one edit',
      requested: '1.72',
      tags: ['1.8', '1.27', '2.0'],
      expected: ['1.27', '1.8', '2.0'],
    },
    {
      name: 'a v prefix is part of the version, and newer versions win ties',
      requested: 'v2.1.9',
      tags: ['v2.1.0', 'v2.1.1', 'v2.0.9', 'v3.1.9'],
      expected: ['v2.1.1', 'v2.1.0', 'v2.0.9', 'v3.1.9'],
    },
    { name: 'duplicates and the requested tag itself are dropped', requested: '1.0', tags: ['1.0', '1.1', '1.1'], expected: ['1.1'] },
    { name: 'no tags, no suggestions', requested: '1.0', tags: [], expected: [] },
  ])('$name', ({ requested, tags, expected }) => {
    expect(suggestTags(requested, tags)).toEqual(expected);
  });

  it('returns a permutation of the distinct tags other than the one asked for', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.array(fc.string({ maxLength: 12 }), { maxLength: 30 }), (requested, tags) => {
        const expected = [...new Set(tags)].filter((tag) => tag !== requested).sort();
        expect([...suggestTags(requested, tags)].sort()).toEqual(expected);
      }),
    );
  });

  it('does not depend on the order the registry lists tags in', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.uniqueArray(fc.string({ maxLength: 10 }), { maxLength: 20 }), (requested, tags) => {
        expect(suggestTags(requested, [...tags].reverse())).toEqual(suggestTags(requested, tags));
      }),
    );
  });

  it('puts a tag one edit away from the request ahead of every tag further away with the same version affinity', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{3,8}$/), fc.array(fc.stringMatching(/^[a-z]{0,10}$/), { maxLength: 15 }), (word, others) => {
        const near = `${word}x`;
        const ranked = suggestTags(word, [...others, near]);
        const position = ranked.indexOf(near);
        expect(ranked.slice(0, position).every((tag) => damerauLevenshtein(word, tag) <= 1)).toBe(true);
      }),
    );
  });
});

describe('damerauLevenshtein', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['1.27-alpne', '1.27-alpine', 1],
    ['1.27-alpne', '1.27', 6],
    ['1.27-alpne', '1.26-alpine', 2],
    ['ab', 'ba', 1],
    // The unrestricted distance edits between transposed characters; optimal string alignment would say 3.
    ['ca', 'abc', 2],
    ['kitten', 'sitting', 3],
    ['🐳a', 'a🐳', 1],
  ])('%j → %j is %i', (a, b, distance) => {
    expect(damerauLevenshtein(a, b)).toBe(distance);
  });

  const text = fc.string({ maxLength: 9, unit: fc.constantFrom('a', 'b', 'c', '.', '1') });

  it('is a metric: zero only for equal strings, symmetric, and obeys the triangle inequality', () => {
    fc.assert(
      fc.property(text, text, text, (a, b, c) => {
        expect(damerauLevenshtein(a, b) === 0).toBe(a === b);
        expect(damerauLevenshtein(a, b)).toBe(damerauLevenshtein(b, a));
        expect(damerauLevenshtein(a, c)).toBeLessThanOrEqual(damerauLevenshtein(a, b) + damerauLevenshtein(b, c));
      }),
    );
  });

  it('lies between the length difference and the longer length', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const distance = damerauLevenshtein(a, b);
        expect(distance).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(distance).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });

  it('counts one swap of neighbouring characters as one edit', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 2, maxLength: 12 }).filter((s) => /^[\x20-\x7e]+$/.test(s)), fc.nat(), (word, seed) => {
        const at = seed % (word.length - 1);
        fc.pre(word[at] !== word[at + 1]);
        const swapped = word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
        expect(damerauLevenshtein(word, swapped)).toBe(1);
      }),
    );
  });
});

describe('versionOf', () => {
  it.each([
    ['1.27-alpine', [1, 27]],
    ['v1.27.3', [1, 27, 3]],
    ['20240101', [20240101]],
    ['latest', []],
    ['alpine3.20', []],
  ])('%s → %j', (tag, version) => {
    expect(versionOf(tag)).toEqual(version);
  });
});
