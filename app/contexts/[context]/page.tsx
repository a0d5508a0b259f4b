import type { Metadata } from 'next';
import { Suspense } from 'react';
import { FailuresOverview } from '@/components/failures-overview';
import { OverviewSkeleton } from '@/components/skeletons';

type Params = Promise<{ context: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: `Failures in ${decodeURIComponent((await params).context)}` };
}

/** /contexts/{context}?namespace=&q=&verdict=: the overview; the filters are read on the client from the URL. */
export default async function ContextOverviewPage({ params }: { params: Params }) {
  const context = decodeURIComponent((await params).context);
  return (
    <Suspense fallback={<OverviewSkeleton />}>
      <FailuresOverview context={context} />
    </Suspense>
  );
}
