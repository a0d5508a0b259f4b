import type { NextRequest } from 'next/server';
import { recheckBody } from '@/lib/api/registry-validation';
import { assertRegistryRateLimit } from '@/lib/api/registry-rate-limit';
import { parseBody, parseInput, respond } from '@/lib/api/respond';
import { podParams } from '@/lib/api/validation';
import { contextUser } from '@/lib/kube/config';
import { recheckCandidate, type RecheckAnswer } from '@/lib/kube/verification/recheck';
import { audit } from '@/lib/log';
import { requestActor } from '@/lib/security/actor';
import { assertMutationRequest } from '@/lib/security/mutation';

export const dynamic = 'force-dynamic';

/**
 * POST …/pods/{pod}/recheck: test one candidate credential of a container again ("Test again"), past the cache
 * but within its bounds. Sent like a mutation: it makes the server contact a registry.
 */
export async function POST(request: NextRequest, { params }: { params: Promise<{ context: string; namespace: string; pod: string }> }): Promise<Response> {
  return respond(async (): Promise<RecheckAnswer> => {
    assertMutationRequest(request);
    const { context, namespace, pod } = parseInput(podParams, await params);
    const body = await parseBody(recheckBody, request);
    // Only a well-formed request spends the client's registry budget.
    assertRegistryRateLimit(request);
    const answer = await recheckCandidate(context, namespace, pod, body);
    const user = contextUser(context);
    audit({
      who: requestActor(request, user),
      what: 'registry-recheck',
      where: { context, namespace, pod, container: body.container, secret: `${body.secretNamespace}/${body.secret}` },
      result: answer.result === 'can-pull' ? 'succeeded' : 'failed',
      detail: answer.message,
    });
    return answer;
  });
}
