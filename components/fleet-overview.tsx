'use client';

import { useQueries, useQuery, type UseQueryResult } from '@tanstack/react-query';
import Link from 'next/link';
import { useMemo } from 'react';
import type { FailuresResponse } from '@/lib/api/types';
import { groupIncidents, type IncidentInput } from '@/lib/incidents';
import { overviewHref } from '@/lib/overview';
import { contextsQuery, failuresQuery } from '@/lib/queries';
import { IncidentsPanel } from './incidents-panel';
import { QueryError } from './query-error';
import { OverviewSkeleton } from './skeletons';

/**
 * Every context of the kubeconfig side by side: how many containers fail in each, which cannot be read, and the
 * incidents across them — the same registry failing in two clusters is one incident.
 */
export function FleetOverview() {
  const contexts = useQuery(contextsQuery());
  const names = useMemo(() => (contexts.data?.contexts ?? []).map((context) => context.name), [contexts.data]);
  const failures = useQueries({ queries: names.map((name) => failuresQuery(name, null)) });
  const items = failures.flatMap((query, index): IncidentInput[] =>
    (query.data?.items ?? []).map((item) => ({ ...item, context: names[index]! })),
  );
  const incidents = groupIncidents(items);
  const updatedAt = Math.max(0, ...failures.map((query) => query.dataUpdatedAt));

  return (
    <div className="flex flex-col gap-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">All contexts</h1>
        <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">Image pull failures in every context of the kubeconfig, and the incidents they share.</p>
      </div>
      {contexts.isPending && <OverviewSkeleton />}
      {contexts.isError && <QueryError title="The kubeconfig's contexts could not be listed" error={contexts.error} onRetry={() => contexts.refetch()} />}
      {names.length > 0 && (
        <ul aria-label="Contexts" className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {names.map((name, index) => (
            <ContextCard key={name} name={name} query={failures[index]!} />
          ))}
        </ul>
      )}
      <IncidentsPanel context="" incidents={incidents} now={updatedAt} />
    </div>
  );
}

function ContextCard({ name, query }: { name: string; query: UseQueryResult<FailuresResponse> }) {
  const failing = query.data?.items.length ?? 0;
  const state = query.isError ? 'unreachable' : query.isPending ? 'loading' : failing === 0 ? 'ok' : 'failing';
  const tone = {
    unreachable: 'border-rose-300 dark:border-rose-800',
    loading: 'border-slate-200 dark:border-slate-800',
    ok: 'border-emerald-300 dark:border-emerald-800',
    failing: 'border-amber-300 dark:border-amber-800',
  }[state];
  return (
    <li data-context={name} data-state={state} className={`flex min-w-0 flex-col gap-1 rounded-xl border bg-white px-4 py-3 dark:bg-slate-900 ${tone}`}>
      <Link
        href={overviewHref(name, { namespace: null, q: '', verdict: null })}
        className="min-w-0 break-words rounded font-semibold text-sky-800 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:text-sky-300"
      >
        {name}
      </Link>
      <span className="text-sm text-slate-700 dark:text-slate-300">
        {state === 'loading' && 'reading…'}
        {state === 'ok' && '✓ no pull failures'}
        {state === 'failing' && `${failing} failing ${failing === 1 ? 'container' : 'containers'}`}
        {state === 'unreachable' && <span className="break-words text-rose-800 dark:text-rose-300">✗ cannot be read: {query.error?.message}</span>}
      </span>
      {query.data && query.data.warnings.length > 0 && (
        <span className="text-xs text-amber-900 dark:text-amber-200">partial: {query.data.warnings.length} reads refused</span>
      )}
    </li>
  );
}
