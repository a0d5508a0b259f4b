import type { NextRequest } from 'next/server';
import { ApiError } from '@/lib/api/errors';
import { fixUndoSchema, type FixUndo, type FixUndoResponse } from '@/lib/api/fix-undo';
import { parseBody, parseInput, respond } from '@/lib/api/respond';
import { namespaceParams } from '@/lib/api/validation';
import { contextUser } from '@/lib/kube/config';
import { undoFix } from '@/lib/kube/fix/undo';
import { audit } from '@/lib/log';
import { requestActor } from '@/lib/security/actor';
import { assertMutationRequest } from '@/lib/security/mutation';

export const dynamic = 'force-dynamic';

/**
 * POST /api/contexts/{context}/namespaces/{namespace}/fixes/undo: the undo record an apply answered. The workload's
 * or service account's `imagePullSecrets` go back to what they were and the secret the fix created is deleted,
 * after checking that each is still as the fix left it (409 `conflict` otherwise). Every call is audited.
 */
export async function POST(request: NextRequest, { params }: { params: Promise<{ context: string; namespace: string }> }): Promise<Response> {
  return respond(async (): Promise<FixUndoResponse> => {
    assertMutationRequest(request);
    const { context, namespace } = parseInput(namespaceParams, await params);
    const undo = await parseBody(fixUndoSchema, request);
    if (undo.namespace !== namespace) throw new ApiError('invalid-input', 400, `namespace: the undo record is for namespace "${undo.namespace}", not "${namespace}"`);
    const who = requestActor(request, contextUser(context));
    try {
      const response = await undoFix(context, undo);
      audit({ who, what: 'undo-fix', where: auditWhere(context, undo), result: 'succeeded', detail: response.steps.map((step) => step.message).join('; ') || 'nothing to undo' });
      return response;
    } catch (error) {
      const failed = error instanceof ApiError && error.code === 'undo-failed';
      audit({ who, what: 'undo-fix', where: auditWhere(context, undo), result: failed ? 'failed' : 'refused', detail: error instanceof ApiError ? error.message : 'unexpected error' });
      throw error;
    }
  });
}

function auditWhere(context: string, undo: FixUndo): Record<string, string | null> {
  const target = undo.attach.kind === 'workload' ? `${undo.attach.workload.kind} ${undo.attach.workload.name}` : undo.attach.kind === 'service-account' ? `service account ${undo.attach.name}` : null;
  return { context, namespace: undo.namespace, fixId: undo.fixId, secret: undo.secret.name, origin: undo.secret.origin, target };
}
