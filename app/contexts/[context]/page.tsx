import type { Metadata } from 'next';
import { Suspense } from 'react';
import { FailuresOverview } from '@/components/failures-overview';
import { OverviewSkeleton } from '@/components/skeletons';
import { firstScreenFor } from '@/lib/kube/cache/first-screen';
import { parseOverviewFilters } from '@/lib/overview';

type Params = Promise<{ context: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: `Failures in ${(await params).context}` };
}

/**
 * /contexts/{context}?namespace=&q=&verdict=: the overview. Its first screen of rows comes in the page's HTML,
 * streamed once the failures feed has it; the rest, and every change, come over the page's stream.
 * Next hands the params over decoded already: decoding again would turn `%25zz` into a URIError.
 */
export default async function ContextOverviewPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const { context } = await params;
  const filters = parseOverviewFilters(new URLSearchParams(single(await searchParams)));
  return (
    <Suspense fallback={<OverviewSkeleton />}>
      <FailuresOverview context={context} firstScreen={firstScreenFor(context, filters)} />
    </Suspense>
  );
}

function single(query: Record<string, string | string[] | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value]] : [])));
}
