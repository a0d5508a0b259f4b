import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closeMatches, editDistance } from './close-matches';

const DEMO_NAMESPACES = ['default', 'shop', 'team-missing', 'team-unattached', 'team-rejected', 'data', 'cloud', 'kube-system'];

describe('closeMatches', () => {
  it('suggests shop for shopp and sohp', () => {
    expect(closeMatches('shopp', DEMO_NAMESPACES)).toEqual(['shop']);
    expect(closeMatches('sohp', DEMO_NAMESPACES)).toEqual(['shop']);
  });

  it('completes a half-typed name, shortest first', () => {
    expect(closeMatches('team', DEMO_NAMESPACES)).toEqual(['team-missing', 'team-rejected', 'team-unattached']);
    expect(closeMatches('TEAM-M', DEMO_NAMESPACES)).toEqual(['team-missing']);
  });

  it('suggests nothing for a name far from every candidate, for blank input, or for the name itself', () => {
    expect(closeMatches('payments', DEMO_NAMESPACES)).toEqual([]);
    expect(closeMatches('  ', DEMO_NAMESPACES)).toEqual([]);
    expect(closeMatches('shop', ['shop'])).toEqual([]);
  });

  it('returns at most the limit, each candidate once', () => {
    expect(closeMatches('a', ['ab', 'ab', 'ac', 'ad', 'ae'], 2)).toEqual(['ab', 'ac']);
  });
});

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['shop', 'shop', 0],
    ['shopp', 'shop', 1],
    ['sohp', 'shop', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s → %s is %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '-'), maxLength: 8 });

  it('is symmetric, zero only for equal strings, and bounded by the longer length', () => {
    fc.assert(
      fc.property(word, word, (a, b) => {
        const distance = editDistance(a, b);
        expect(editDistance(b, a)).toBe(distance);
        expect(distance === 0).toBe(a === b);
        expect(distance).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });

  it('with a budget, answers exactly within it and only "over" beyond it', () => {
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 4 }), (a, b, budget) => {
        const exact = editDistance(a, b);
        const bounded = editDistance(a, b, budget);
        if (exact <= budget) expect(bounded).toBe(exact);
        else expect(bounded).toBeGreaterThan(budget);
      }),
    );
  });
});
