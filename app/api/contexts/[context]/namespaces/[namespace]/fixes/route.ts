import type { NextRequest } from 'next/server';
import { ApiError } from '@/lib/api/errors';
import { parseBody, parseInput, respond } from '@/lib/api/respond';
import { namespaceParams } from '@/lib/api/validation';
import { fixRequestSchema, type FixRequest } from '@/lib/api/fix-request';
import type { FixResponse } from '@/lib/fix-plan';
import { contextUser } from '@/lib/kube/config';
import { assertCredentialAccepted } from '@/lib/kube/fix/credential-gate';
import { runFix } from '@/lib/kube/fix/run';
import { audit } from '@/lib/log';
import { requestActor } from '@/lib/security/actor';
import { assertMutationRequest } from '@/lib/security/mutation';

export const dynamic = 'force-dynamic';

/**
 * POST /api/contexts/{context}/namespaces/{namespace}/fixes: create, reuse or copy a pull secret and attach it.
 * `preview` answers with each step's YAML (credentials masked) and server-side dry run; `apply` runs the dry
 * runs again, then the real calls. The password in the body goes to the cluster and to the registry's test, nowhere
 * else. An apply of a credential the registry refused is a 422 unless the body says `acceptUnverified: true`.
 */
export async function POST(request: NextRequest, { params }: { params: Promise<{ context: string; namespace: string }> }): Promise<Response> {
  return respond(async (): Promise<FixResponse> => {
    assertMutationRequest(request);
    const { context, namespace } = parseInput(namespaceParams, await params);
    const body = await parseBody(fixRequestSchema, request);
    const user = contextUser(context);
    const where = auditWhere(context, namespace, body);
    try {
      await assertCredentialAccepted(context, namespace, body);
      const response = await runFix(context, namespace, body);
      const failed = response.steps.find((step) => step.result?.ok === false || step.dryRun?.ok === false);
      const result = body.mode === 'preview' ? 'dry-run' : 'succeeded';
      audit({ who: requestActor(request, user), what: 'attach-pull-secret', where, result, detail: failed ? (failed.result ?? failed.dryRun)?.message : undefined });
      return response;
    } catch (error) {
      const detail = error instanceof ApiError ? error.message : 'unexpected error';
      const result = error instanceof ApiError && error.code === 'fix-failed' ? 'failed' : 'refused';
      audit({ who: requestActor(request, user), what: 'attach-pull-secret', where, result, detail });
      throw error;
    }
  });
}

function auditWhere(context: string, namespace: string, body: FixRequest): Record<string, string | null> {
  return {
    context,
    namespace,
    pod: body.pod,
    mode: body.mode,
    source: body.source.kind,
    secret: body.source.kind === 'copy' ? (body.source.newName ?? body.source.name) : body.source.name,
    target: body.target.kind,
    acceptUnverified: body.acceptUnverified === true ? 'yes' : null,
  };
}
