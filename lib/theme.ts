/** The theme a person picked; `system` follows the operating system's preference. */
export type ThemeChoice = 'light' | 'dark' | 'system';

export const THEME_COOKIE = 'pullfix-theme';

export function parseThemeChoice(value: string | undefined): ThemeChoice {
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** The next theme in the toggle's cycle: system → light → dark → system. */
export function nextThemeChoice(current: ThemeChoice): ThemeChoice {
  if (current === 'system') return 'light';
  if (current === 'light') return 'dark';
  return 'system';
}
