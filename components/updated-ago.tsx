'use client';

import { useEffect, useState } from 'react';
import { formatAge } from '@/lib/overview';

/**
 * How fresh the data on screen is. After a failed refresh the last good data stays on screen, and this says
 * so with the server's reason, so nobody mistakes stale data for the cluster's current state.
 */
export function UpdatedAgo({
  updatedAt,
  refreshError,
  fetching,
}: {
  updatedAt: number;
  refreshError: Error | null;
  fetching: boolean;
}) {
  const now = useNow();
  const age = now === null ? '…' : formatAge(new Date(updatedAt).toISOString(), now);
  if (refreshError) {
    return (
      <p role="status" className="inline-flex items-center gap-2 rounded-md bg-amber-50 px-2.5 py-1 text-xs text-amber-900 ring-1 ring-inset ring-amber-300 dark:bg-amber-950/50 dark:text-amber-200 dark:ring-amber-800">
        <span aria-hidden="true">⚠</span>
        refresh failed: {refreshError.message} — showing data from {age} ago
      </p>
    );
  }
  return (
    <p className="inline-flex items-center gap-2 text-xs text-slate-500 dark:text-slate-400">
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${fetching ? 'animate-pulse bg-sky-500' : 'bg-emerald-500'}`} />
      updated {age} ago
    </p>
  );
}

/** The current time, ticking each second; null until mounted so server and client render the same text. */
function useNow(): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    const tick = () => setNow(Date.now());
    tick();
    const timer = setInterval(tick, 1_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
