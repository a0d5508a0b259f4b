import type { NextRequest } from 'next/server';
import type { RegistryCheckResponse } from '@/lib/api/types';
import { registryCheckBody } from '@/lib/api/registry-validation';
import { assertRegistryRateLimit } from '@/lib/api/registry-rate-limit';
import { parseBody, respond } from '@/lib/api/respond';
import { contextUser } from '@/lib/kube/config';
import { checkRegistryCredential } from '@/lib/kube/registry-check';
import { audit } from '@/lib/log';
import { requestActor } from '@/lib/security/actor';
import { assertMutationRequest } from '@/lib/security/mutation';

export const dynamic = 'force-dynamic';

/**
 * POST /api/registry/check: can this credential (typed, a pull secret read on the server, or none) pull this
 * image? Sent like a mutation, since it carries a password and makes the server contact a registry.
 */
export async function POST(request: NextRequest): Promise<Response> {
  return respond(async (): Promise<RegistryCheckResponse> => {
    assertMutationRequest(request);
    assertRegistryRateLimit(request);
    const input = await parseBody(registryCheckBody, request);
    const result = await checkRegistryCredential(input);
    const user = contextUser(input.context);
    audit({
      who: requestActor(request, user),
      what: 'registry-check',
      where: { context: input.context, image: input.image, credential: input.credential.kind, secret: result.secret, username: result.username },
      result: result.ok ? 'succeeded' : 'failed',
      ...(result.ok ? {} : { detail: result.message }),
    });
    return result;
  });
}
