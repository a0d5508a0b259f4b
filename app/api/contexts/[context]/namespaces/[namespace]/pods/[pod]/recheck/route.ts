import type { NextRequest } from 'next/server';
import { recheckBody } from '@/lib/api/registry-validation';
import { assertRegistryRateLimit } from '@/lib/api/registry-rate-limit';
import { parseBody, parseInput, respond } from '@/lib/api/respond';
import { podParams } from '@/lib/api/validation';
import { recheckCandidate, type RecheckAnswer } from '@/lib/kube/verification/recheck';
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
    assertRegistryRateLimit(request);
    return recheckCandidate(context, namespace, pod, await parseBody(recheckBody, request));
  });
}
