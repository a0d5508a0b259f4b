import type { LiveState } from '@/lib/api/types';
import type { StreamStatus } from '@/lib/queries/live-failures';

const WORDS: Record<StreamStatus, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  polling: 'polling every 5 s',
};

const DOT: Record<StreamStatus, string> = {
  connecting: 'animate-pulse bg-slate-400',
  live: 'bg-emerald-500',
  reconnecting: 'animate-pulse bg-amber-500',
  polling: 'bg-sky-500',
};

/**
 * How the page keeps up with the cluster: pushed by the server as it changes, re-reading, or cut off; and,
 * when the server cannot watch the cluster as a whole, what the user's permissions cost (the cache's mode).
 */
export function LiveStatus({ stream, live }: { stream: StreamStatus; live: LiveState | undefined }) {
  // A server that may not watch re-reads on its own every few seconds and pushes what it read.
  const status = stream === 'live' && live?.mode === 'read-per-request' ? 'refreshed every 5 s' : WORDS[stream];
  return (
    <div className="flex flex-col items-end gap-1">
      <p role="status" aria-label="Live updates" className="inline-flex items-center gap-2 text-xs text-slate-600 dark:text-slate-300">
        <span aria-hidden="true" className={`h-2 w-2 rounded-full ${DOT[stream]}`} />
        {status}
      </p>
      {live?.notice && (
        <p className="max-w-md text-right text-xs text-amber-800 dark:text-amber-300" data-live-mode={live.mode}>
          {live.notice}
        </p>
      )}
    </div>
  );
}
