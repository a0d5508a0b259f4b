import type { NextRequest } from 'next/server';
import type { PodRegistryInfo } from '@/lib/api/types';
import { podRegistryQuery } from '@/lib/api/registry-validation';
import { assertRegistryRateLimit } from '@/lib/api/registry-rate-limit';
import { parseInput, respond } from '@/lib/api/respond';
import { podParams } from '@/lib/api/validation';
import { getPodRegistryInfo } from '@/lib/kube/registry-check';

export const dynamic = 'force-dynamic';

/**
 * GET /api/contexts/{context}/namespaces/{namespace}/pods/{pod}/registry?container=: the repository's tags
 * closest to the one the container asks for, and the platforms its image offers beside the node's.
 */
export async function GET(
  request: NextRequest,
  { params }: { params: Promise<{ context: string; namespace: string; pod: string }> },
): Promise<Response> {
  return respond(async (): Promise<PodRegistryInfo> => {
    const { context, namespace, pod } = parseInput(podParams, await params);
    const { container } = parseInput(podRegistryQuery, { container: request.nextUrl.searchParams.get('container') ?? '' });
    assertRegistryRateLimit(request);
    return getPodRegistryInfo(context, namespace, pod, container);
  });
}
