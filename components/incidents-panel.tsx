import Link from 'next/link';
import { describeIncident } from '@/lib/incident-text';
import type { Incident } from '@/lib/incidents';
import { formatAge, podHref } from '@/lib/overview';
import { VerdictBadge } from './verdict-badge';

/**
 * The failures as incidents, most urgent first: one line per root cause with its blast radius and the one action
 * that serves it. Shown above the table, one line each, so the first screen answers "what do I fix first".
 */
export function IncidentsPanel({ context, incidents, now }: { context: string; incidents: Incident[]; now: number }) {
  if (incidents.length === 0) return null;
  return (
    <section aria-labelledby="incidents-heading" className="rounded-xl border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <h2 id="incidents-heading" className="border-b border-slate-200 px-4 py-1.5 text-sm font-semibold dark:border-slate-800">
        {incidents.length} {incidents.length === 1 ? 'incident' : 'incidents'}, most urgent first
      </h2>
      <ol className="divide-y divide-slate-200 dark:divide-slate-800">
        {incidents.map((incident) => (
          <IncidentRow key={incident.key} context={context} incident={incident} now={now} />
        ))}
      </ol>
    </section>
  );
}

function IncidentRow({ context, incident, now }: { context: string; incident: Incident; now: number }) {
  const text = describeIncident(incident);
  const first = incident.failures[0]!;
  const facts = [text.radius, incident.failingSince ? `failing for ${formatAge(incident.failingSince, now)}` : null, text.registryPulls]
    .filter(Boolean)
    .join(' · ');
  return (
    <li
      data-incident={incident.key}
      className="grid grid-cols-1 items-center gap-x-3 gap-y-0.5 px-4 py-1 text-sm lg:grid-cols-[12rem_minmax(0,4fr)_minmax(0,5fr)_minmax(0,3fr)]"
    >
      <span className="min-w-0 truncate">
        <VerdictBadge code={incident.verdict} title={first.verdict.title} />
      </span>
      {/* One line each on a wide screen; the whole text stays in the title and in the accessible name. */}
      <span className="min-w-0 break-words font-medium lg:truncate" title={text.title}>
        {text.title}
      </span>
      {/* A check is not pullfix's to do, but the evidence behind it is one click away. */}
      <Link
        href={`${podHref(first.context ?? context, first.namespace, first.pod)}${incident.action.kind === 'check' ? '' : '#fix'}`}
        title={text.action}
        className="min-w-0 break-words rounded text-sky-800 underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 lg:truncate dark:text-sky-300"
      >
        {text.action}
      </Link>
      <span className="min-w-0 break-words text-xs tabular-nums text-slate-700 lg:truncate dark:text-slate-300" title={facts}>
        {facts}
      </span>
    </li>
  );
}
