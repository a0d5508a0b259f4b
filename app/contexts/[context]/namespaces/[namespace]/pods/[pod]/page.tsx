import type { Metadata } from 'next';
import { PodDiagnosisView } from '@/components/pod-diagnosis-view';

type Params = Promise<{ context: string; namespace: string; pod: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: (await params).pod };
}

/** /contexts/{context}/namespaces/{namespace}/pods/{pod}: why this pod cannot pull, and what to do. Params arrive decoded. */
export default async function PodDetailPage({ params }: { params: Params }) {
  const { context, namespace, pod } = await params;
  return <PodDiagnosisView context={context} namespace={namespace} pod={pod} />;
}
