import type { NextRequest } from 'next/server';
import type { RateLimitInfo } from '@/lib/api/types';
import { podRegistryQuery } from '@/lib/api/registry-validation';
import { assertRegistryRateLimit } from '@/lib/api/registry-rate-limit';
import { parseInput, respond } from '@/lib/api/respond';
import { podParams } from '@/lib/api/validation';
import { getPodRateLimit } from '@/lib/kube/registry-check';

export const dynamic = 'force-dynamic';

/**
 * GET /api/contexts/{context}/namespaces/{namespace}/pods/{pod}/registry/allowance?container=: the pull allowance
 * the registry states for the container's image and the login the kubelet would use, from one HEAD (no pull).
 */
export async function GET(
  request: NextRequest,
  { params }: { params: Promise<{ context: string; namespace: string; pod: string }> },
): Promise<Response> {
  return respond(async (): Promise<RateLimitInfo> => {
    const { context, namespace, pod } = parseInput(podParams, await params);
    const { container } = parseInput(podRegistryQuery, { container: request.nextUrl.searchParams.get('container') ?? '' });
    assertRegistryRateLimit(request);
    return getPodRateLimit(context, namespace, pod, container);
  });
}
