'use client';

import { useEffect } from 'react';
import { fixChecklist, type ChecklistState, type FixProgress, type FixResponse } from '@/lib/fix-plan';
import { settled } from '@/lib/queries/fix';
import { useFollowRollout } from './follow-rollout';
import { UndoFix } from './undo-fix';

const MARK: Record<ChecklistState, string> = { done: '✓', active: '…', pending: '○', failed: '✗' };
const TONE: Record<ChecklistState, string> = {
  done: 'text-emerald-700 dark:text-emerald-400',
  active: 'text-sky-700 dark:text-sky-400',
  pending: 'text-slate-400',
  failed: 'text-red-700 dark:text-red-400',
};

/**
 * The live checklist after an apply: secret → target → new pod → image pulled → Running, or the new verdict. Once
 * the new pod runs the page moves to it (useFollowRollout); until then, and when it fails, the fix can be undone.
 */
export function FixProgressView({ context, namespace, response, onSettled }: {
  context: string;
  namespace: string;
  response: FixResponse;
  /** Called once the new pod runs (null) or fails with a new verdict (that pod and verdict: what to fix next). */
  onSettled: (failure: FixProgress['failure']) => void;
}) {
  const progress = useFollowRollout(context, namespace, response.follow, { outcome: response.outcome ?? null, undo: response.undo ?? null });
  const items = fixChecklist(response, progress.data ?? null);
  const done = settled(progress.data);
  const succeeded = done && progress.data?.failure === null;

  const failure = progress.data?.failure ?? null;
  useEffect(() => {
    if (done) onSettled(failure);
  }, [done, failure, onSettled]);

  return (
    <section aria-label="Fix progress" className="rounded-md border border-slate-200 p-4 dark:border-slate-700">
      <ol className="flex flex-col gap-2">
        {items.map((item) => (
          <li key={item.key} data-state={item.state} className="flex gap-2 text-sm">
            <span aria-hidden="true" className={`w-4 font-bold ${TONE[item.state]}`}>
              {MARK[item.state]}
            </span>
            <span>
              <span className="font-medium">{item.label}</span>
              <span className="sr-only"> ({item.state})</span>
              {item.detail && <span className="block text-xs text-slate-600 dark:text-slate-400">{item.detail}</span>}
            </span>
          </li>
        ))}
      </ol>
      {succeeded && <p className="mt-3 text-sm font-medium text-emerald-700 dark:text-emerald-400">The new pod runs: the fix worked.</p>}
      {progress.data?.failure && (
        <p role="status" className="mt-3 text-sm text-red-800 dark:text-red-300">
          The new pod {progress.data.failure.pod} still cannot pull: {progress.data.failure.verdict.title}. {progress.data.failure.verdict.fix} Change the
          form below and try again, or undo this fix.
        </p>
      )}
      {progress.isError && <p className="mt-3 text-sm text-red-700">{progress.error.message}</p>}
      {response.undo && <UndoFix context={context} undo={response.undo} />}
    </section>
  );
}
