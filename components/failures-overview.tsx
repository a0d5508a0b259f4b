'use client';

import { useRouter, useSearchParams } from 'next/navigation';
import { memo, use, useDeferredValue, useMemo, useState } from 'react';
import { groupIncidents, type Incident } from '@/lib/incidents';
import { byImpact, countVerdicts, filterFailures, groupByWorkload, overviewHref, parseOverviewFilters, reuseUnchanged, type OverviewFilters, type VerdictCount, type WorkloadFailures } from '@/lib/overview';
import type { PullFailure } from '@/lib/api/types';
import type { FirstScreen } from '@/lib/first-screen';
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

/**
 * The overview of one context: filters from the URL, the failures table, and how fresh it is. Until the stream's
 * first answer, the rows are the server's first screen (`firstScreen`, rendered into the page's HTML) when it was
 * picked for the filters in view.
 */
export function FailuresOverview({ context, firstScreen }: { context: string; firstScreen: Promise<FirstScreen | null> }) {
  const router = useRouter();
  const fromUrl = parseOverviewFilters(useSearchParams());
  // What is typed is the page's own state, ahead of the URL (Next applies a replaced URL in a transition): the
  // field answers every keystroke at once whatever the URL and the rows are doing.
  const [typed, setTyped] = useState(fromUrl.q);
  const filters = { ...fromUrl, q: typed };
  const { failures, stream } = useLiveFailures(context, filters.namespace);
  // The rows follow the data and the filters in a deferred render: React renders them in slices it can interrupt,
  // so a keystroke or a pushed change never waits for thousands of rows to be filtered, grouped and drawn. The
  // grouping is done by the components that show it (incidents, table), each a slice of its own.
  const items = useDeferredValue(failures.data?.items);
  const updatedAt = useDeferredValue(failures.dataUpdatedAt);
  const q = useDeferredValue(filters.q);
  const verdict = useDeferredValue(filters.verdict);
  const textFiltered = useMemo(() => filterFailures(items ?? [], { q, verdict: null }), [items, q]);
  const shown = useMemo(() => filterFailures(textFiltered, { q: '', verdict }), [textFiltered, verdict]);
  const counts = useEqualCounts(useMemo(() => countVerdicts(textFiltered), [textFiltered]));
  const namespaces = useMemo(() => [...new Set((items ?? []).map((item) => item.namespace))], [items]);
  // The server's first screen stands for the rows until the stream's first answer is drawn. Read only until then:
  // the page's HTML waits for it, a page already live never does.
  const screen = items ? null : shownFirst(use(firstScreen), filters);
  const failing = failures.data?.items.length ?? 0;

  // Filters within a context only rewrite the query string: no server round trip, history stays short.
  const setFilters = (next: Partial<OverviewFilters>) => {
    if (next.q !== undefined) setTyped(next.q);
    window.history.replaceState(null, '', overviewHref(context, { ...filters, ...next }));
  };

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

      {failures.data && <OverviewIncidents context={context} items={items ?? NO_ITEMS} now={updatedAt} />}

      <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
        <ContextSwitcher context={context} onSwitch={(next) => router.push(next === ALL_CONTEXTS ? '/fleet' : overviewHref(next, filters))} />
        <NamespaceFilter key={filters.namespace ?? ''} namespace={filters.namespace} known={namespaces} onChange={(namespace) => setFilters({ namespace })} />
        <TextFilter value={filters.q} onChange={(q) => setFilters({ q })} />
      </div>

      {failures.isPending && !screen && <OverviewSkeleton />}
      {failures.isError && !failures.data && (
        <QueryError title={`The failures in ${context} could not be read`} error={failures.error} onRetry={() => failures.refetch()} />
      )}
      {failures.data && <WarningsList warnings={failures.data.warnings} />}
      {failures.data && failing === 0 && (
        <EmptyState title={`No pull failures in ${context}`} tone="good">
          Every container {filters.namespace ? `in namespace ${filters.namespace} ` : ''}has its image. This page checks again every few seconds.
        </EmptyState>
      )}
      {failing > 0 && <VerdictFilterChips counts={counts} total={textFiltered.length} active={filters.verdict} onSelect={(verdict) => setFilters({ verdict })} />}
      {screen && <FirstScreenNote screen={screen} />}
      {/* One place for the rows, first screen or live, so the rows the live answer keeps stay the same elements. */}
      {screen ? (
        <FailuresList context={context} items={screen.items} dimmed={false} busy />
      ) : failing === 0 ? null : !items ? (
        // The first answer has arrived, its rows are being drawn in the deferred render.
        <OverviewSkeleton />
      ) : shown.length === 0 ? (
        <EmptyState title="No failures match these filters">
          {failing} failing containers are hidden by the filters.{' '}
          <button type="button" onClick={() => setFilters({ q: '', verdict: null })} className="font-medium text-sky-700 underline dark:text-sky-400">
            Clear the filters
          </button>
        </EmptyState>
      ) : (
        <FailuresList context={context} items={shown} dimmed={failures.isPlaceholderData} busy={false} />
      )}
      {(screen || failing > 0) && (
        <p className="text-xs text-slate-500 dark:text-slate-400">Dashed parts of an image were not written in the pod spec: the kubelet implied them.</p>
      )}
    </div>
  );
}

const NO_ITEMS: PullFailure[] = [];

/** The first screen when it was picked for the filters in view; a page that changed them waits for the stream. */
function shownFirst(screen: FirstScreen | null, filters: OverviewFilters): FirstScreen | null {
  if (!screen) return null;
  const { namespace, q, verdict } = screen.filters;
  return namespace === filters.namespace && q === filters.q && verdict === filters.verdict ? screen : null;
}

/** Says the rows are the server's first screen, until the live view brings them all. */
function FirstScreenNote({ screen }: { screen: FirstScreen }) {
  const { items, total } = screen;
  return (
    <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
      {items.length < total
        ? `The ${items.length} most urgent of ${total} failing containers; the rest come with the live view.`
        : `${total} failing ${total === 1 ? 'container' : 'containers'} as the server last saw them; the live view is connecting.`}
    </p>
  );
}

/** The rows' incidents, grouped in a render of their own: React can yield between it and the table's. */
const OverviewIncidents = memo(function OverviewIncidents({ context, items, now }: { context: string; items: PullFailure[]; now: number }) {
  const incidents = useStableIncidents(items);
  return <IncidentsPanel context={context} incidents={incidents} now={now} />;
});

/**
 * The table on wide screens, cards below: only one is mounted (the server renders the table). Relative times
 * tick in a clock of their own, so the memoized rows re-render only when their item changes.
 */
const FailuresList = memo(function FailuresList({ context, items, dimmed, busy }: { context: string; items: PullFailure[]; dimmed: boolean; busy: boolean }) {
  const wide = useMediaQuery('(min-width: 1024px)', true);
  const groups = useStableGroups(items);
  return (
    <ClockProvider>
      {wide ? (
        <FailuresTable context={context} groups={groups} rowCount={items.length} dimmed={dimmed} busy={busy} />
      ) : (
        <FailureCards context={context} groups={groups} dimmed={dimmed} busy={busy} />
      )}
    </ClockProvider>
  );
});

/** The rows grouped and ordered by impact, each group the same object as before while its rows are equal. */
function useStableGroups(items: PullFailure[]): WorkloadFailures[] {
  const [stable, setStable] = useState<{ items: PullFailure[] | null; groups: WorkloadFailures[] }>({ items: null, groups: [] });
  if (stable.items === items) return stable.groups;
  const groups = reuseUnchanged(new Map(stable.groups.map((group) => [group.key, group])), byImpact(groupByWorkload(items)));
  setStable({ items, groups });
  return groups;
}

/**
 * The rows' incidents, each the same object as before while its rows are the same objects: without evidence
 * beyond the rows (the overview has none) an incident is made of its rows alone, so its line and its fix plan
 * are not made again for a change elsewhere.
 */
function useStableIncidents(items: PullFailure[]): Incident[] {
  const [stable, setStable] = useState<{ items: PullFailure[] | null; incidents: Incident[] }>({ items: null, incidents: [] });
  if (stable.items === items) return stable.incidents;
  const held = new Map(stable.incidents.map((incident) => [incident.key, incident]));
  const incidents = groupIncidents(items).map((incident) => {
    const before = held.get(incident.key);
    return before && sameRows(before.failures, incident.failures) ? before : incident;
  });
  setStable({ items, incidents });
  return incidents;
}

/** The verdict counts, the same array while every count is the same: the chips measure their line when it changes. */
function useEqualCounts(counts: VerdictCount[]): VerdictCount[] {
  const [held, setHeld] = useState(counts);
  if (held === counts) return held;
  if (held.length === counts.length && held.every((count, index) => count.code === counts[index]!.code && count.count === counts[index]!.count)) return held;
  setHeld(counts);
  return counts;
}

function sameRows(a: readonly PullFailure[], b: readonly PullFailure[]): boolean {
  return a.length === b.length && a.every((row, index) => row === b[index]);
}
