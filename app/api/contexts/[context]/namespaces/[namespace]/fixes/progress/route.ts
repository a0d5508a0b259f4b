import type { NextRequest } from 'next/server';
import { z } from 'zod';
import { parseInput, respond } from '@/lib/api/respond';
import { contextName, namespaceName, podName, secretName } from '@/lib/api/validation';
import { PATCHABLE_KINDS, type FixProgress } from '@/lib/fix-plan';
import { getFixProgress } from '@/lib/kube/fix/progress';

export const dynamic = 'force-dynamic';

const progressInput = z.object({
  context: contextName,
  namespace: namespaceName,
  kind: z.enum([...PATCHABLE_KINDS, 'Pod']),
  name: podName,
  after: z.iso.datetime({ offset: true, message: 'after must be an ISO-8601 time' }).max(64, 'after is longer than 64 characters'),
  secret: secretName.nullable(),
  restartedAt: z.string().max(64).nullable(),
});

/** GET …/fixes/progress?kind=&name=&after=&secret=: the workload's pods created since the fix, and a new verdict if one fails. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ context: string; namespace: string }> }): Promise<Response> {
  return respond(async (): Promise<FixProgress> => {
    const search = request.nextUrl.searchParams;
    const input = parseInput(progressInput, { ...(await params), kind: search.get('kind'), name: search.get('name'), after: search.get('after'), secret: search.get('secret'), restartedAt: search.get('restartedAt') });
    return getFixProgress(input.context, input.namespace, input.kind, input.name, input.after, input.secret, input.restartedAt);
  });
}
