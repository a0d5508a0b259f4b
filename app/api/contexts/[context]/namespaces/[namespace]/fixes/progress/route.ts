import type { NextRequest } from 'next/server';
import { z } from 'zod';
import { parseInput, respond } from '@/lib/api/respond';
import { boundedText, containerName, contextName, namespaceName, podName, secretName } from '@/lib/api/validation';
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
  container: containerName.nullable(),
  image: boundedText('image', 1024).nullable(),
});

/**
 * GET …/fixes/progress?kind=&name=&after=&secret=&restartedAt=&container=&image=: the workload's pods created since
 * the fix (naming the secret, or running the new image), and a new verdict if one fails.
 */
export async function GET(request: NextRequest, { params }: { params: Promise<{ context: string; namespace: string }> }): Promise<Response> {
  return respond(async (): Promise<FixProgress> => {
    const search = request.nextUrl.searchParams;
    const query = Object.fromEntries(['kind', 'name', 'after', 'secret', 'restartedAt', 'container', 'image'].map((key) => [key, search.get(key)]));
    const input = parseInput(progressInput, { ...(await params), ...query });
    const image = input.container !== null && input.image !== null ? { container: input.container, image: input.image } : null;
    return getFixProgress(input.context, input.namespace, input.kind, input.name, input.after, input.secret, input.restartedAt, image);
  });
}
