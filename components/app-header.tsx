import Link from 'next/link';
import type { ThemeChoice } from '@/lib/theme';
import { ThemeToggle } from './theme-toggle';

export function AppHeader({ theme }: { theme: ThemeChoice }) {
  return (
    <header className="border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-900/80">
      <div className="mx-auto flex h-14 w-full max-w-7xl items-center justify-between gap-4 px-4 sm:px-6">
        <Link href="/" className="flex items-center gap-2 rounded font-semibold tracking-tight focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500">
          <PullfixMark />
          <span>pullfix</span>
          <span className="hidden text-sm font-normal text-slate-500 sm:inline dark:text-slate-400">
            image pull failures, diagnosed
          </span>
        </Link>
        <ThemeToggle initial={theme} />
      </div>
    </header>
  );
}

function PullfixMark() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="h-6 w-6 text-sky-600 dark:text-sky-400">
      <path fill="currentColor" d="M12 2 3 7v10l9 5 9-5V7l-9-5Zm0 2.3 6.7 3.7L12 11.7 5.3 8 12 4.3ZM5 9.7l6 3.3v6.7l-6-3.3V9.7Zm8 10V13l6-3.3v6.7l-6 3.3Z" />
    </svg>
  );
}
