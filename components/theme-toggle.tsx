'use client';

import { useState } from 'react';
import { nextThemeChoice, THEME_COOKIE, type ThemeChoice } from '@/lib/theme';

const LABELS: Record<ThemeChoice, string> = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' };
const ICONS: Record<ThemeChoice, string> = { system: '◐', light: '☀', dark: '☾' };

export function ThemeToggle({ initial }: { initial: ThemeChoice }) {
  const [theme, setTheme] = useState<ThemeChoice>(initial);

  function cycle() {
    const next = nextThemeChoice(theme);
    setTheme(next);
    const root = document.documentElement;
    root.classList.remove('light', 'dark');
    if (next !== 'system') root.classList.add(next);
    document.cookie = `${THEME_COOKIE}=${next}; path=/; max-age=31536000; samesite=strict`;
  }

  return (
    <button
      type="button"
      onClick={cycle}
      title={`${LABELS[theme]} (click to change)`}
      aria-label={`${LABELS[theme]}; switch to ${LABELS[nextThemeChoice(theme)].toLowerCase()}`}
      className="flex h-9 items-center gap-2 rounded-md border border-slate-200 px-3 text-sm text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-800"
    >
      <span aria-hidden="true">{ICONS[theme]}</span>
      <span className="hidden sm:inline">{LABELS[theme]}</span>
    </button>
  );
}
