import type { Metadata } from 'next';
import { Suspense } from 'react';
import { FailuresOverview } from '@/components/failures-overview';
import { OverviewSkeleton } from '@/components/skeletons';

type Params = Promise<{ context: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: `Failures in ${(await params).context}` };
}

/**
 * /contexts/{context}?namespace=&q=&verdict=: the overview; the filters are read on the client from the URL.
 * Next hands the params over decoded already: decoding again would turn `%25zz` into a URIError.
 */
export default async function ContextOverviewPage({ params }: { params: Params }) {
  const { context } = await params;
  return (
    <Suspense fallback={<OverviewSkeleton />}>
      <FailuresOverview context={context} />
    </Suspense>
  );
}
