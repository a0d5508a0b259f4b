import type { NextRequest } from 'next/server';
import type { FailuresResponse } from '@/lib/api/types';
import { parseInput, respond } from '@/lib/api/respond';
import { contextParams, failuresQuery } from '@/lib/api/validation';
import { cacheRegistry } from '@/lib/kube/cache';
import { clientsFor } from '@/lib/kube/config';
import { assertNamespaceExists } from '@/lib/kube/namespace-check';
import { timed } from '@/lib/metrics';

export const dynamic = 'force-dynamic';

/** GET /api/contexts/{context}/failures?namespace=: every container that cannot pull its image, from the context's cache. */
export const GET = timed('/api/contexts/{context}/failures', async (
  request: NextRequest,
  { params }: { params: Promise<{ context: string }> },
): Promise<Response> => {
  return respond(async (): Promise<FailuresResponse> => {
    const { context } = parseInput(contextParams, await params);
    const { namespace } = parseInput(failuresQuery, {
      namespace: request.nextUrl.searchParams.get('namespace'),
    });
    const answer = await cacheRegistry().failures(context, namespace);
    if (namespace !== null && answer.items.length === 0) await assertNamespaceExists(clientsFor(context), namespace);
    return answer;
  });
});
