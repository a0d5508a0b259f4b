import type { Metadata, Viewport } from 'next';
import { cookies } from 'next/headers';
import type { ReactNode } from 'react';
import { AppHeader } from '@/components/app-header';
import { FocusAfterNavigation } from '@/components/focus-after-navigation';
import { SkipLink } from '@/components/skip-link';
import { parseThemeChoice, THEME_COOKIE } from '@/lib/theme';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'pullfix', template: '%s · pullfix' },
  icons: { icon: '/favicon.svg' },
  description: 'Find every Kubernetes pod that cannot pull its image, see why, and fix it.',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const theme = parseThemeChoice((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang="en" className={theme === 'system' ? undefined : theme}>
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <SkipLink />
        <Providers>
          <AppHeader theme={theme} />
          <FocusAfterNavigation />
          <main id="main" tabIndex={-1} className="mx-auto w-full max-w-7xl px-4 py-6 focus:outline-none sm:px-6">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
