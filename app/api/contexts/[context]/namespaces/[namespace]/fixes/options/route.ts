import type { NextRequest } from 'next/server';
import { z } from 'zod';
import { parseInput, respond } from '@/lib/api/respond';
import { containerName, contextName, namespaceName, podName } from '@/lib/api/validation';
import type { FixOptions } from '@/lib/fix-plan';
import { getFixOptions } from '@/lib/kube/fix/options';

export const dynamic = 'force-dynamic';

const optionsInput = z.object({
  context: contextName,
  namespace: namespaceName,
  pod: podName,
  container: containerName,
});

/** GET …/fixes/options?pod=&container=: the sources and targets a fix may use, each allowed or not and why. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ context: string; namespace: string }> }): Promise<Response> {
  return respond(async (): Promise<FixOptions> => {
    const search = request.nextUrl.searchParams;
    const input = parseInput(optionsInput, { ...(await params), pod: search.get('pod'), container: search.get('container') });
    return getFixOptions(input.context, input.namespace, input.pod, input.container);
  });
}
