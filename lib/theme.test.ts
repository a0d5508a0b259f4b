import { describe, expect, it } from 'vitest';
import { nextThemeChoice, parseThemeChoice } from './theme';

describe('parseThemeChoice', () => {
  it.each([
    ['light', 'light'],
    ['dark', 'dark'],
    ['system', 'system'],
    [undefined, 'system'],
    ['DARK', 'system'],
    ['', 'system'],
  ] as const)('reads %j as %s', (cookie, expected) => {
    expect(parseThemeChoice(cookie)).toBe(expected);
  });
});

describe('nextThemeChoice', () => {
  it('cycles system → light → dark → system', () => {
    expect(nextThemeChoice('system')).toBe('light');
    expect(nextThemeChoice('light')).toBe('dark');
    expect(nextThemeChoice('dark')).toBe('system');
  });
});
