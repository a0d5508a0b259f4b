/**
 * The overview's first screen, rendered on the server into the page's HTML: the most urgent rows of the answer
 * the failures feed holds, so a person sees them while the page's scripts load and its stream connects (at
 * thousands of rows the whole answer is megabytes and arrives seconds later). Pure, so the server's pick and the
 * browser's render agree by construction.
 */
import type { FailuresResponse, PullFailure } from './api/types';
import { byImpact, filterFailures, groupByWorkload, type OverviewFilters } from './overview';

export interface FirstScreen {
  /** The filters the rows were picked for: a page that has changed them since shows none of them. */
  filters: OverviewFilters;
  /** The first rows of the overview's order (workloads by impact, a workload's rows in the API's order). */
  items: PullFailure[];
  /** How many rows pass the filters in the whole answer. */
  total: number;
}

/** Enough rows to fill a tall screen; each is about 1.7 kB in the page, twice (the HTML and React's payload). */
export const FIRST_SCREEN_ROWS = 25;

/**
 * The rows the overview would show first for these filters: whole workloads by impact until `rows` are taken, the
 * last workload cut short when it holds more. Null when no row passes the filters: an empty first screen would
 * claim the cluster is healthy before the live answer (or the stream's error for a missing namespace) says so.
 *
 * Grouping the picked rows again gives the same order as the prefix of the whole answer's: a workload cut short
 * fails no earlier and has no more pods down than it had whole, so it still sorts after every workload before it.
 */
export function firstScreen(answer: FailuresResponse, filters: OverviewFilters, rows = FIRST_SCREEN_ROWS): FirstScreen | null {
  const passing = filterFailures(answer.items, filters);
  if (passing.length === 0) return null;
  const items: PullFailure[] = [];
  for (const group of byImpact(groupByWorkload(passing))) {
    if (items.length >= rows) break;
    items.push(...group.failures.slice(0, rows - items.length));
  }
  return { filters, items, total: passing.length };
}
