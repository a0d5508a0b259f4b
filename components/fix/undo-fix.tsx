'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '@/lib/api/errors';
import type { FixUndo, FixUndoResponse } from '@/lib/api/fix-undo';
import { invalidateContext } from '@/lib/queries';
import { postFixUndo } from '@/lib/queries/fix';

/**
 * "Undo this fix": sends the apply's undo record back. The server detaches the secret (the previous
 * `imagePullSecrets`, exactly) and deletes the secret only when this fix created it; it refuses when the
 * workload changed since, and a failed undo puts back what it changed. Either way the page says what happened.
 */
export function UndoFix({ context, undo }: { context: string; undo: FixUndo }) {
  const queryClient = useQueryClient();
  const undoing = useMutation<FixUndoResponse, ApiError>({
    mutationFn: () => postFixUndo(context, undo.namespace, undo),
    onSettled: () => invalidateContext(queryClient, context),
  });
  return (
    <div className="mt-3 flex flex-col gap-2">
      <p className="text-xs text-slate-600 dark:text-slate-400">{whatUndoDoes(undo)}</p>
      <button
        type="button"
        onClick={() => undoing.mutate()}
        disabled={undoing.isPending || undoing.isSuccess}
        className="self-start rounded-md border border-slate-400 px-3 py-1.5 text-sm font-medium disabled:opacity-50 dark:border-slate-500"
      >
        {undoing.isPending ? 'Undoing…' : 'Undo this fix'}
      </button>
      <div role="status" aria-live="polite" className="text-sm">
        {undoing.isSuccess && (
          <p className="text-emerald-800 dark:text-emerald-300">
            Undone: {undoing.data.steps.length > 0 ? undoing.data.steps.map((step) => step.message).join('; ') : 'there was nothing to take back'}.
          </p>
        )}
        {undoing.isError && <p className="text-red-800 dark:text-red-300">The undo did not happen: {undoing.error.message}</p>}
      </div>
    </div>
  );
}

function whatUndoDoes({ attach, secret }: FixUndo): string {
  const detach =
    attach.kind === 'workload'
      ? `${attach.workload.kind} ${attach.workload.name} gets back ${listed(attach.before)}`
      : attach.kind === 'service-account'
        ? `service account ${attach.name} gets back ${listed(attach.before)}`
        : `nothing is detached (${attach.reason})`;
  const created = secret.origin === 'created' || secret.origin === 'copied';
  return `Undo: ${detach}; ${created ? `Secret ${secret.name}, created by this fix, is deleted` : `Secret ${secret.name} stays (this fix did not create it)`}.`;
}

function listed(names: string[] | null): string {
  return names === null || names.length === 0 ? 'no imagePullSecrets' : `imagePullSecrets [${names.join(', ')}]`;
}
