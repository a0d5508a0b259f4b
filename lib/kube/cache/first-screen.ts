import 'server-only';

import type { FailuresResponse } from '../../api/types';
import { failuresQuery } from '../../api/validation';
import { firstScreen, type FirstScreen } from '../../first-screen';
import type { OverviewFilters } from '../../overview';
import { withinWait } from '../../within-wait';
import type { FailuresFeed } from './failures-feed';
import { cacheRegistry } from './index';

/** How long the page's HTML waits for its first screen: past it the page goes out without one, and the stream brings the rows. */
export const FIRST_SCREEN_WAIT_MS = 1_000;

/**
 * The overview's first screen for these filters, from the answer the page's stream opens with: the one the
 * failures feed holds, else its first computation. Asking starts that computation while the browser loads the
 * page's code (at thousands of rows it takes as long as the scripts), and the feed keeps the answer for the
 * stream that connects moments later. Null when there is no answer within `waitMs` or none to show: a cluster that
 * cannot be read is the stream's to report.
 */
export async function firstScreenFor(context: string, filters: OverviewFilters, waitMs = FIRST_SCREEN_WAIT_MS): Promise<FirstScreen | null> {
  const query = failuresQuery.safeParse({ namespace: filters.namespace });
  if (!query.success) return null;
  const { namespace } = query.data;
  const snapshot = await withinWait(snapshotOf(cacheRegistry().feed(context, namespace)), waitMs, () => null);
  return snapshot && firstScreen(snapshot, { ...filters, namespace });
}

/** The snapshot a stream attaching now would get; null when the feed's first read fails. */
async function snapshotOf(feed: FailuresFeed): Promise<FailuresResponse | null> {
  const snapshots: FailuresResponse[] = [];
  try {
    const detach = await feed.attach((event) => {
      if ('message' in event && event.message.type === 'snapshot') snapshots.push(event.message.answer);
    }, null);
    detach();
  } catch {
    return null;
  }
  return snapshots[0] ?? null;
}
