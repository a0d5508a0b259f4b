'use client';

import { useRouter, useSearchParams } from 'next/navigation';
import { useMemo, useState } from 'react';
import { groupIncidents } from '@/lib/incidents';
import { byImpact, countVerdicts, filterFailures, groupByWorkload, overviewHref, parseOverviewFilters, reuseUnchanged, type OverviewFilters, type WorkloadFailures } from '@/lib/overview';
import type { PullFailure } from '@/lib/api/types';
import { useLiveFailures } from '@/lib/queries/live-failures';
import { ClockProvider } from './clock';
import { ALL_CONTEXTS, ContextSwitcher } from './context-switcher';
import { EmptyState } from './empty-state';
import { IncidentsPanel } from './incidents-panel';
import { LiveStatus } from './live-status';
import { FailureCards } from './failure-cards';
import { FailuresTable } from './failures-table';
import { NamespaceFilter } from './namespace-filter';
import { QueryError } from './query-error';
import { OverviewSkeleton } from './skeletons';
import { TextFilter } from './text-filter';
import { UpdatedAgo } from './updated-ago';
import { useMediaQuery } from './use-media-query';
import { VerdictFilterChips } from './verdict-filter-chips';
import { WarningsList } from './warnings-list';

/** The overview of one context: filters from the URL, the failures table, and how fresh it is. */
export function FailuresOverview({ context }: { context: string }) {
  const router = useRouter();
  const filters = parseOverviewFilters(useSearchParams());
  const { failures, stream } = useLiveFailures(context, filters.namespace);
  const items = failures.data?.items;
  const textFiltered = useMemo(() => filterFailures(items ?? [], { q: filters.q, verdict: null }), [items, filters.q]);
  const shown = useMemo(() => filterFailures(textFiltered, { q: '', verdict: filters.verdict }), [textFiltered, filters.verdict]);
  const groups = useStableGroups(shown);
  const incidents = useMemo(() => groupIncidents(items ?? []), [items]);
  const namespaces = useMemo(() => [...new Set((items ?? []).map((item) => item.namespace))], [items]);

  // Filters within a context only rewrite the query string: no server round trip, history stays short.
  const setFilters = (next: Partial<OverviewFilters>) =>
    window.history.replaceState(null, '', overviewHref(context, { ...filters, ...next }));

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Image pull failures</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            in <span className="font-medium text-slate-900 dark:text-slate-100">{context}</span>
            {filters.namespace ? (
              <>
                , namespace <span className="font-mono">{filters.namespace}</span>
              </>
            ) : (
              ', all namespaces'
            )}
          </p>
        </div>
        <div className="flex flex-col items-end gap-1">
          <LiveStatus stream={stream} live={failures.data?.live} />
          {failures.data && <UpdatedAgo updatedAt={failures.dataUpdatedAt} refreshError={failures.isError ? failures.error : null} fetching={failures.isFetching} />}
        </div>
      </div>

      {failures.data && <IncidentsPanel context={context} incidents={incidents} now={failures.dataUpdatedAt} />}

      <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
        <ContextSwitcher context={context} onSwitch={(next) => router.push(next === ALL_CONTEXTS ? '/fleet' : overviewHref(next, filters))} />
        <NamespaceFilter key={filters.namespace ?? ''} namespace={filters.namespace} known={namespaces} onChange={(namespace) => setFilters({ namespace })} />
        <TextFilter value={filters.q} onChange={(q) => setFilters({ q })} />
      </div>

      {failures.isPending && <OverviewSkeleton />}
      {failures.isError && !failures.data && (
        <QueryError title={`The failures in ${context} could not be read`} error={failures.error} onRetry={() => failures.refetch()} />
      )}
      {failures.data && (
        <>
          <WarningsList warnings={failures.data.warnings} />
          {failures.data.items.length === 0 ? (
            <EmptyState title={`No pull failures in ${context}`} tone="good">
              Every container {filters.namespace ? `in namespace ${filters.namespace} ` : ''}has its image. This page checks again every few seconds.
            </EmptyState>
          ) : (
            <>
              <VerdictFilterChips counts={countVerdicts(textFiltered)} total={textFiltered.length} active={filters.verdict} onSelect={(verdict) => setFilters({ verdict })} />
              {shown.length === 0 ? (
                <EmptyState title="No failures match these filters">
                  {failures.data.items.length} failing containers are hidden by the filters.{' '}
                  <button type="button" onClick={() => setFilters({ q: '', verdict: null })} className="font-medium text-sky-700 underline dark:text-sky-400">
                    Clear the filters
                  </button>
                </EmptyState>
              ) : (
                <FailuresList context={context} groups={groups} rowCount={shown.length} dimmed={failures.isPlaceholderData} />
              )}
              <p className="text-xs text-slate-500 dark:text-slate-400">
                Dashed parts of an image were not written in the pod spec: the kubelet implied them.
              </p>
            </>
          )}
        </>
      )}
    </div>
  );
}

/**
 * The table on wide screens, cards below: only one is mounted (the server renders the table). Relative times
 * tick in a clock of their own, so the memoized rows re-render only when their item changes.
 */
function FailuresList({ context, groups, rowCount, dimmed }: { context: string; groups: WorkloadFailures[]; rowCount: number; dimmed: boolean }) {
  const wide = useMediaQuery('(min-width: 1024px)', true);
  return (
    <ClockProvider>
      {wide ? (
        <FailuresTable context={context} groups={groups} rowCount={rowCount} dimmed={dimmed} />
      ) : (
        <FailureCards context={context} groups={groups} dimmed={dimmed} />
      )}
    </ClockProvider>
  );
}

/** The rows grouped and ordered by impact, each group the same object as before while its rows are equal. */
function useStableGroups(items: PullFailure[]): WorkloadFailures[] {
  const [stable, setStable] = useState<{ items: PullFailure[] | null; groups: WorkloadFailures[] }>({ items: null, groups: [] });
  if (stable.items === items) return stable.groups;
  const groups = reuseUnchanged(new Map(stable.groups.map((group) => [group.key, group])), byImpact(groupByWorkload(items)));
  setStable({ items, groups });
  return groups;
}
