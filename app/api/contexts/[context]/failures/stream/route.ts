import type { NextRequest } from 'next/server';
import { parseInput, respond } from '@/lib/api/respond';
import { contextParams, failuresQuery } from '@/lib/api/validation';
import { failuresEventStream, STREAM_HEADERS } from '@/lib/kube/cache/failures-sse';

export const dynamic = 'force-dynamic';

/**
 * GET /api/contexts/{context}/failures/stream?namespace=: the failures as server-sent events (the whole answer,
 * then what changes), in the page's packed form. Errors before the first event are the API's one JSON error shape.
 */
export async function GET(request: NextRequest, { params }: { params: Promise<{ context: string }> }): Promise<Response> {
  try {
    const { context } = parseInput(contextParams, await params);
    const { namespace } = parseInput(failuresQuery, { namespace: request.nextUrl.searchParams.get('namespace') });
    const stream = await failuresEventStream(context, namespace, request.headers.get('last-event-id'), request.signal);
    return new Response(stream, { headers: STREAM_HEADERS });
  } catch (error) {
    return respond(() => Promise.reject(error));
  }
}
