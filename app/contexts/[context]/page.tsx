import type { Metadata } from 'next';
import { Suspense } from 'react';
import { FailuresOverview } from '@/components/failures-overview';
import { OverviewSkeleton } from '@/components/skeletons';
import { failuresQuery } from '@/lib/api/validation';
import { cacheRegistry } from '@/lib/kube/cache';
import { parseOverviewFilters } from '@/lib/overview';

type Params = Promise<{ context: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: `Failures in ${(await params).context}` };
}

/**
 * /contexts/{context}?namespace=&q=&verdict=: the overview; the filters are read on the client from the URL.
 * Next hands the params over decoded already: decoding again would turn `%25zz` into a URIError.
 */
export default async function ContextOverviewPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const { context } = await params;
  const { namespace } = parseOverviewFilters(new URLSearchParams(single(await searchParams)));
  startFailuresFeed(context, namespace);
  return (
    <Suspense fallback={<OverviewSkeleton />}>
      <FailuresOverview context={context} />
    </Suspense>
  );
}

/**
 * Starts computing the answer the page's stream opens with while the browser loads the page's code: at
 * thousands of rows that answer takes as long as the page's scripts, and after hydration it would come on top.
 * The feed keeps it for the stream that connects moments later. Errors are the stream's to report.
 */
function startFailuresFeed(context: string, namespace: string | null): void {
  const query = failuresQuery.safeParse({ namespace });
  if (!query.success) return;
  cacheRegistry()
    .feed(context, query.data.namespace)
    .attach(() => undefined, null)
    .then(
      (detach) => detach(),
      () => undefined,
    );
}

function single(query: Record<string, string | string[] | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value]] : [])));
}
