'use client';

import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import { failingFor } from '@/lib/overview';

/** How often relative times move on: they show minutes at best. */
const TICK_MS = 15_000;

const NowContext = createContext<number | null>(null);

/**
 * The time relative labels are measured from, ticking on its own so that the rows (memoized per item) do not
 * re-render with every refresh of the data: only the labels that read the clock do. `now` is injectable for tests.
 */
export function ClockProvider({ children, now = Date.now }: { children: ReactNode; now?: () => number }) {
  // Whole ticks, so the snapshot stays the same between ticks; the server has no clock to share (null).
  const time = useSyncExternalStore(subscribeToTicks, () => Math.floor(now() / TICK_MS) * TICK_MS, () => null);
  return <NowContext.Provider value={time}>{children}</NowContext.Provider>;
}

function subscribeToTicks(onTick: () => void): () => void {
  const timer = window.setInterval(onTick, TICK_MS);
  return () => window.clearInterval(timer);
}

/**
 * "failing for 12m", with the exact time on hover, to screen readers, and in view while its row has focus
 * (`group/row` on the row). Before the clock's first tick (the server's render) only the exact time is known.
 */
export function FailingFor({ since }: { since: string | null }) {
  const now = useContext(NowContext);
  if (since === null) return <span className="text-slate-600 dark:text-slate-400">not known</span>;
  const exact = exactTime(since);
  const age = now === null ? null : failingFor(since, now);
  return (
    <time dateTime={since} title={`first failed pull: ${exact}`} className="tabular-nums">
      {age ?? exact}
      <span className="sr-only"> (first failed pull {exact})</span>
      <span aria-hidden="true" className="hidden text-[11px] text-slate-600 group-focus-within/row:block dark:text-slate-400">
        since {exact}
      </span>
    </time>
  );
}

/** The same text on the server and in every browser, so hydration matches: "2026-12-05 17:34:12 UTC". */
function exactTime(since: string): string {
  const at = new Date(since);
  return Number.isNaN(at.getTime()) ? since : `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
