import type { NextRequest } from 'next/server';
import type { PodDiagnosis } from '@/lib/api/types';
import { parseInput, respond } from '@/lib/api/respond';
import { podParams } from '@/lib/api/validation';
import { getPodDiagnosis } from '@/lib/kube/pod-detail';
import { timed } from '@/lib/metrics';

export const dynamic = 'force-dynamic';

/**
 * GET /api/contexts/{context}/namespaces/{namespace}/pods/{pod}: one pod's full pull diagnosis, its refused
 * pulls verified against the registry; `?recheck=1` tests the credentials again instead of using cached answers.
 */
export const GET = timed('/api/contexts/{context}/namespaces/{namespace}/pods/{pod}', async (
  request: NextRequest,
  { params }: { params: Promise<{ context: string; namespace: string; pod: string }> },
): Promise<Response> => {
  return respond(async (): Promise<PodDiagnosis> => {
    const { context, namespace, pod } = parseInput(podParams, await params);
    return getPodDiagnosis(context, namespace, pod, { recheck: request.nextUrl.searchParams.get('recheck') === '1' });
  });
});
