'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useRef } from 'react';

/** How long a new page may take to show its heading (a pod's diagnosis arrives after the route). */
const WAIT_FOR_HEADING_MS = 30_000;

/**
 * After a client-side navigation, focus goes to the new page's heading, as a full page load would start a
 * screen reader at the top; with a hash (`#fix`), to that element once the page shows it. The first load keeps
 * the browser's focus unless it has a hash, which the client-rendered page could not honour by itself.
 */
export function FocusAfterNavigation() {
  const pathname = usePathname();
  const firstLoad = useRef(true);
  useEffect(() => {
    const initial = firstLoad.current;
    firstLoad.current = false;
    if (initial && !window.location.hash) return;
    if (focusPageStart()) return;
    const main = document.getElementById('main') ?? document.body;
    const observer = new MutationObserver(() => {
      if (focusPageStart()) observer.disconnect();
    });
    observer.observe(main, { childList: true, subtree: true });
    const timer = window.setTimeout(() => observer.disconnect(), WAIT_FOR_HEADING_MS);
    return () => {
      observer.disconnect();
      window.clearTimeout(timer);
    };
  }, [pathname]);
  return null;
}

/** Focuses the hash's element, else the page heading; false while the page has not rendered its heading yet. */
function focusPageStart(): boolean {
  const heading = document.querySelector<HTMLElement>('#main h1');
  if (!heading) return false;
  const hash = decodeURIComponent(window.location.hash.slice(1));
  const target = (hash && document.getElementById(hash)) || heading;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus({ preventScroll: target === heading });
  if (target !== heading) target.scrollIntoView({ block: 'start' });
  return true;
}
