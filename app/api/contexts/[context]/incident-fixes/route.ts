import type { NextRequest } from 'next/server';
import { ApiError } from '@/lib/api/errors';
import { incidentFixRequestSchema, type IncidentFixRequest } from '@/lib/api/incident-fix-request';
import { parseBody, parseInput, respond } from '@/lib/api/respond';
import { contextParams } from '@/lib/api/validation';
import type { IncidentFixResponse } from '@/lib/incident-fix';
import { contextUser } from '@/lib/kube/config';
import { assertIncidentCredentialsAccepted } from '@/lib/kube/fix/incident-gate';
import { runIncidentFix } from '@/lib/kube/fix/incident-run';
import { audit } from '@/lib/log';
import { requestActor } from '@/lib/security/actor';
import { assertMutationRequest } from '@/lib/security/mutation';

export const dynamic = 'force-dynamic';

/**
 * POST /api/contexts/{context}/incident-fixes: one secret for every namespace and workload of an incident.
 * `preview` answers with every step's YAML (credentials masked) and server-side dry run; `apply` runs the dry
 * runs again, then every real call, and rolls back the steps already applied when one fails. An apply of a
 * credential the registry refused is a 422 unless the body says `acceptUnverified: true`.
 */
export async function POST(request: NextRequest, { params }: { params: Promise<{ context: string }> }): Promise<Response> {
  return respond(async (): Promise<IncidentFixResponse> => {
    assertMutationRequest(request);
    const { context } = parseInput(contextParams, await params);
    const body = await parseBody(incidentFixRequestSchema, request);
    const who = requestActor(request, contextUser(context));
    const where = auditWhere(context, body);
    try {
      await assertIncidentCredentialsAccepted(context, body);
      const response = await runIncidentFix(context, body);
      const failed = response.steps.find((step) => step.dryRun?.ok === false);
      audit({ who, what: 'incident-fix', where, result: body.mode === 'preview' ? 'dry-run' : 'succeeded', detail: failed?.dryRun?.message });
      return response;
    } catch (error) {
      const detail = error instanceof ApiError ? error.message : 'unexpected error';
      audit({ who, what: 'incident-fix', where, result: error instanceof ApiError && error.code === 'fix-failed' ? 'failed' : 'refused', detail });
      throw error;
    }
  });
}

function auditWhere(context: string, body: IncidentFixRequest): Record<string, string | null> {
  return {
    context,
    namespaces: [...new Set(body.targets.map((target) => target.namespace))].join(','),
    pods: body.targets.map((target) => `${target.namespace}/${target.pod}`).join(','),
    mode: body.mode,
    source: body.source.kind,
    secret: body.source.name,
    fromNamespace: body.source.kind === 'copy' ? body.source.fromNamespace : null,
    replaceExisting: body.source.kind === 'new' && body.source.replaceExisting === true ? 'yes' : null,
    acceptUnverified: body.acceptUnverified === true ? 'yes' : null,
  };
}
