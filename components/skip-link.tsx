'use client';

import { usePathname } from 'next/navigation';
import type { MouseEvent } from 'react';

const OVERVIEW = /^\/contexts\/[^/]+$/;

/**
 * The first stop for keyboards: on a context's overview it jumps past the header, incidents and filters to the
 * failures table; elsewhere to the page's content. Before the table is there (loading, nothing failing) it
 * lands on the content.
 */
export function SkipLink() {
  const toTable = OVERVIEW.test(usePathname());
  return (
    <a
      href={toTable ? '#failures' : '#main'}
      onClick={(event) => skipTo(event, toTable ? 'failures' : 'main')}
      className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:text-slate-900 focus:shadow dark:focus:bg-slate-900 dark:focus:text-slate-100"
    >
      {toTable ? 'Skip to the failures table' : 'Skip to content'}
    </a>
  );
}

function skipTo(event: MouseEvent<HTMLAnchorElement>, id: string): void {
  const target = document.getElementById(id) ?? document.getElementById('main');
  if (!target) return;
  event.preventDefault();
  target.scrollIntoView({ block: 'start' });
  target.focus({ preventScroll: true });
}
