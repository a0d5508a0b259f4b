import type { PodEvent } from '@/lib/api/types';
import { formatAge } from '@/lib/overview';

/** The kubelet's own account of the pulls: the evidence behind the verdict. */
export function EventsTable({ events, now }: { events: PodEvent[]; now: number }) {
  return (
    <section aria-labelledby="events-heading" className="rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h2 id="events-heading" className="border-b border-slate-100 px-5 py-3 font-semibold dark:border-slate-800">
        Evidence: events
      </h2>
      {events.length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-500 dark:text-slate-400">No events recorded for this pod (they expire after an hour by default).</p>
      ) : (
        <div className="relative overflow-x-auto">
          <table className="w-full min-w-[48rem] text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-800/60 dark:text-slate-400">
              <tr>
                {['Type', 'Reason', 'Message', 'Count', 'First seen', 'Last seen', 'From'].map((column) => (
                  <th key={column} scope="col" className="px-3 py-2 font-medium">
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {events.map((event, index) => (
                <tr key={`${event.reason}-${event.firstSeen ?? ''}-${index}`} className="align-top">
                  <td className={`px-3 py-2 text-xs font-medium ${event.type === 'Warning' ? 'text-amber-800 dark:text-amber-300' : 'text-slate-500 dark:text-slate-400'}`}>
                    {event.type}
                  </td>
                  <td className="px-3 py-2 font-medium">{event.reason}</td>
                  <td className="max-w-xl break-words px-3 py-2 font-mono text-xs text-slate-700 dark:text-slate-300">{event.message}</td>
                  <td className="px-3 py-2 tabular-nums">×{event.count}</td>
                  <td className="px-3 py-2 text-xs tabular-nums text-slate-600 dark:text-slate-400">{ago(event.firstSeen, now)}</td>
                  <td className="px-3 py-2 text-xs tabular-nums text-slate-600 dark:text-slate-400">{ago(event.lastSeen, now)}</td>
                  <td className="px-3 py-2 text-xs text-slate-500 dark:text-slate-400">
                    {event.source}
                    {event.container && <span className="block font-mono">{event.container}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ago(time: string | null, now: number) {
  if (!time) return '—';
  return (
    <time dateTime={time} title={time}>
      {formatAge(time, now)} ago
    </time>
  );
}
