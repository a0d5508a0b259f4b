import type { ContextsResponse } from '@/lib/api/types';
import { respond } from '@/lib/api/respond';
import { listContexts } from '@/lib/kube/config';
import { timed } from '@/lib/metrics';

export const dynamic = 'force-dynamic';

/** GET /api/contexts: the kubeconfig's contexts (or the in-cluster one). */
export const GET = timed('/api/contexts', async (): Promise<Response> => {
  return respond(async (): Promise<ContextsResponse> => ({ contexts: listContexts() }));
});
