import type { NextRequest } from 'next/server';
import { JsonText, parseInput, respond } from '@/lib/api/respond';
import { contextParams, failuresQuery } from '@/lib/api/validation';
import { cacheRegistry } from '@/lib/kube/cache';
import { clientsFor } from '@/lib/kube/config';
import { assertNamespaceExists } from '@/lib/kube/namespace-check';
import { timed } from '@/lib/metrics';

export const dynamic = 'force-dynamic';

/**
 * GET /api/contexts/{context}/failures?namespace=&form=: every container that cannot pull its image, from the context's
 * cache; `form=packed` is the page's form, each part that items share sent once.
 */
export const GET = timed('/api/contexts/{context}/failures', async (
  request: NextRequest,
  { params }: { params: Promise<{ context: string }> },
): Promise<Response> => {
  return respond(async (): Promise<JsonText> => {
    const { context } = parseInput(contextParams, await params);
    const { namespace, form } = parseInput(failuresQuery, {
      namespace: request.nextUrl.searchParams.get('namespace'),
      form: request.nextUrl.searchParams.get('form'),
    });
    // Identical requests share one answer and its JSON's bytes, so ten open pages cost one serialization, not ten.
    const shared = await cacheRegistry().sharedFailures(context, namespace);
    if (namespace !== null && shared.answer.items.length === 0) await assertNamespaceExists(clientsFor(context), namespace);
    return new JsonText(shared.json(form));
  });
});
