import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contextName, failuresQuery, namespaceName, podName } from './validation';

describe('namespaceName (DNS-1123 label)', () => {
  it.each(['default', 'kube-system', 'team-a', 'a', '0', 'a1-b2', 'x'.repeat(63)])('accepts %s', (name) => {
    expect(namespaceName.safeParse(name).success).toBe(true);
  });
  it.each(['', 'Shop', 'team_a', '-a', 'a-', 'a.b', 'x'.repeat(64), 'ns ', 'ünï'])('refuses %j', (name) => {
    expect(namespaceName.safeParse(name).success).toBe(false);
  });

  it('accepts every label built from the grammar', () => {
    const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
    const inner = fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'.split('')), { maxLength: 61 });
    fc.assert(
      fc.property(alnum, inner, alnum, (first, middle, last) => {
        const name = middle.length === 0 ? first : `${first}${middle.join('')}${last}`;
        expect(namespaceName.safeParse(name).success).toBe(true);
      }),
    );
  });

  it('refuses every name holding a character outside [a-z0-9-]', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !/[a-z0-9-]/.test(c)), fc.string({ maxLength: 20 }), (before, bad, after) => {
        expect(namespaceName.safeParse(`a${before}${bad}${after}a`).success).toBe(false);
      }),
    );
  });
});

describe('podName (DNS-1123 subdomain)', () => {
  it.each(['web-7d4b9c8f6d-x2x9k', 'db-0', 'a.b.c', 'x'.repeat(253)])('accepts %s', (name) => {
    expect(podName.safeParse(name).success).toBe(true);
  });
  it.each(['', 'Web', 'a..b', '.a', 'a.', 'a_b', 'x'.repeat(254), '../etc'])('refuses %j', (name) => {
    expect(podName.safeParse(name).success).toBe(false);
  });
});

describe('contextName', () => {
  it.each(['sim-admin', 'arn:aws:eks:eu-west-1:123456789012:cluster/prod', 'gke_project_europe-west1_c', 'kind-kind', 'Prod Cluster'])('accepts %s', (name) => {
    expect(contextName.safeParse(name).success).toBe(true);
  });
  it.each(['', 'a\nb', 'tab\there', 'x'.repeat(513)])('refuses %j', (name) => {
    expect(contextName.safeParse(name).success).toBe(false);
  });
});

describe('failuresQuery', () => {
  it.each([
    [{ namespace: null }, null],
    [{}, null],
    [{ namespace: '' }, null],
    [{ namespace: 'shop' }, 'shop'],
  ])('%j → namespace %s', (input, expected) => {
    expect(failuresQuery.parse(input).namespace).toBe(expected);
  });
  it('refuses an invalid namespace', () => {
    expect(failuresQuery.safeParse({ namespace: 'Shop' }).success).toBe(false);
  });
  it.each([
    [{}, 'full'],
    [{ form: null }, 'full'],
    [{ form: 'full' }, 'full'],
    [{ form: 'packed' }, 'packed'],
  ])('%j → form %s', (input, expected) => {
    expect(failuresQuery.parse(input).form).toBe(expected);
  });
  it.each(['', 'Packed', 'compact'])('refuses the form %j', (form) => {
    expect(failuresQuery.safeParse({ form }).success).toBe(false);
  });
});
