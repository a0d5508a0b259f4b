'use client';

import dynamic from 'next/dynamic';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { memo, useState } from 'react';
import { incidentFixPlan, type IncidentFixPlan } from '@/lib/incident-fix';
import { describeIncident } from '@/lib/incident-text';
import type { Incident } from '@/lib/incidents';
import { formatAge, podHref } from '@/lib/overview';
import { VerdictBadge } from './verdict-badge';

/**
 * Loaded when an incident's fix is opened: the form validates credentials with the request schemas, which the
 * overview's first render has no use for.
 */
const IncidentFixForm = dynamic(() => import('./incident-fix-form').then((module) => module.IncidentFixForm));

/** The URL parameter naming the incident whose fix form is open, so Back closes it and a link can share it. */
const OPEN_PARAM = 'incident';

/**
 * The failures as incidents, most urgent first: one line per root cause with its blast radius and the one action
 * that serves it. Shown above the table, one line each, so the first screen answers "what do I fix first".
 */
export const IncidentsPanel = memo(function IncidentsPanel({ context, incidents, now }: { context: string; incidents: Incident[]; now: number }) {
  const open = useOpenIncident(context, incidents);
  if (incidents.length === 0 && !open.fix) return null;
  return (
    <section aria-labelledby="incidents-heading" className="rounded-xl border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <h2 id="incidents-heading" className="border-b border-slate-200 px-4 py-1.5 text-sm font-semibold dark:border-slate-800">
        {incidents.length} {incidents.length === 1 ? 'incident' : 'incidents'}, most urgent first
      </h2>
      <ol className="divide-y divide-slate-200 dark:divide-slate-800">
        {incidents.map((incident) => (
          <IncidentRow key={incident.key} context={context} incident={incident} now={now} fixHref={context ? open.hrefFor(incident) : null} />
        ))}
      </ol>
      {open.fix && <IncidentFixForm key={open.fix.key} context={context} title={open.fix.title} plan={open.fix.plan} onClose={open.close} />}
    </section>
  );
});

/**
 * The incident whose fix form the URL opens. Once open, the form keeps the plan it was opened with when the
 * incident leaves the list — which is what a successful fix does — so its progress stays on screen.
 */
function useOpenIncident(context: string, incidents: Incident[]) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const key = search.get(OPEN_PARAM);
  const current = context && key ? incidents.find((incident) => incident.key === key) : undefined;
  const plan = current ? planOf(current) : null;
  const [kept, setKept] = useState<{ key: string; title: string; plan: IncidentFixPlan } | null>(null);
  if (current && plan && kept?.key !== current.key) setKept({ key: current.key, title: describeIncident(current).title, plan });
  const withParam = (value: string | null) => {
    const params = new URLSearchParams(search.toString());
    if (value === null) params.delete(OPEN_PARAM);
    else params.set(OPEN_PARAM, value);
    const query = params.toString();
    return `${pathname}${query ? `?${query}` : ''}`;
  };
  return {
    fix: key !== null && kept?.key === key ? kept : null,
    hrefFor: (incident: Incident) => (planOf(incident) ? `${withParam(incident.key)}#incident-fix` : null),
    close: () => {
      setKept(null);
      router.replace(withParam(null), { scroll: false });
    },
  };
}

/** Each incident's plan, made once per incident object: the overview keeps an incident's object while its rows stay. */
const plans = new WeakMap<Incident, IncidentFixPlan | null>();

function planOf(incident: Incident): IncidentFixPlan | null {
  let plan = plans.get(incident);
  if (plan === undefined) {
    plan = incidentFixPlan(incident);
    plans.set(incident, plan);
  }
  return plan;
}

const IncidentRow = memo(function IncidentRow({ context, incident, now, fixHref }: { context: string; incident: Incident; now: number; fixHref: string | null }) {
  const text = describeIncident(incident);
  const first = incident.failures[0]!;
  const facts = [text.radius, incident.failingSince ? `failing for ${formatAge(incident.failingSince, now)}` : null, text.registryPulls]
    .filter(Boolean)
    .join(' · ');
  return (
    <li
      data-incident={incident.key}
      className="grid grid-cols-1 items-center gap-x-3 gap-y-0.5 px-4 py-0.5 text-sm lg:grid-cols-[12rem_minmax(0,4fr)_minmax(0,5fr)_minmax(0,3fr)]"
    >
      <span className="min-w-0 truncate">
        <VerdictBadge code={incident.verdict} title={first.verdict.title} />
      </span>
      {/* One line each on a wide screen; the whole text stays in the title and in the accessible name. */}
      <span className="min-w-0 break-words font-medium lg:truncate" title={text.title}>
        {text.title}
      </span>
      {/* One fix for the whole incident opens its form here; a check is not pullfix's to do, but the evidence behind it is one click away. */}
      <Link
        href={fixHref ?? `${podHref(first.context ?? context, first.namespace, first.pod)}${incident.action.kind === 'check' ? '' : '#fix'}`}
        scroll={fixHref ? false : undefined}
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
});
