import type { NextRequest } from 'next/server';
import type { ImageFixResponse } from '@/lib/api/types';
import { imageFixBody } from '@/lib/api/fix-request';
import { parseBody, parseInput, respond } from '@/lib/api/respond';
import { namespaceParams } from '@/lib/api/validation';
import { contextUser } from '@/lib/kube/config';
import { planImageTagFix } from '@/lib/kube/image-tag-fix';
import { requestActor } from '@/lib/security/actor';
import { assertMutationRequest } from '@/lib/security/mutation';

export const dynamic = 'force-dynamic';

/**
 * POST /api/contexts/{context}/namespaces/{namespace}/image-fixes: change a container's image tag in the
 * workload that owns the pod. `mode: 'preview'` answers with the patch, the access review and the dry run;
 * `mode: 'apply'` runs the same checks, then patches.
 */
export async function POST(request: NextRequest, { params }: { params: Promise<{ context: string; namespace: string }> }): Promise<Response> {
  return respond(async (): Promise<ImageFixResponse> => {
    assertMutationRequest(request);
    const { context, namespace } = parseInput(namespaceParams, await params);
    const body = await parseBody(imageFixBody, request);
    const user = contextUser(context);
    return planImageTagFix(context, namespace, body, requestActor(request, user));
  });
}
