import type { NextRequest } from 'next/server';
import { annotationFixBody } from '@/lib/api/fix-request';
import { parseBody, parseInput, respond } from '@/lib/api/respond';
import { namespaceParams } from '@/lib/api/validation';
import type { FixResponse } from '@/lib/fix-plan';
import { contextUser } from '@/lib/kube/config';
import { runAnnotateFix } from '@/lib/kube/fix/plan-annotate';
import { requestActor } from '@/lib/security/actor';
import { assertMutationRequest } from '@/lib/security/mutation';

export const dynamic = 'force-dynamic';

/**
 * POST /api/contexts/{context}/namespaces/{namespace}/annotation-fixes: put the annotation the node's credential
 * provider requires on the pod's service account, then restart its workload. `mode: 'preview'` answers with the
 * steps and their server-side dry runs; `mode: 'apply'` runs them.
 */
export async function POST(request: NextRequest, { params }: { params: Promise<{ context: string; namespace: string }> }): Promise<Response> {
  return respond(async (): Promise<FixResponse> => {
    assertMutationRequest(request);
    const { context, namespace } = parseInput(namespaceParams, await params);
    const body = await parseBody(annotationFixBody, request);
    const user = contextUser(context);
    return runAnnotateFix(context, namespace, body, requestActor(request, user));
  });
}
