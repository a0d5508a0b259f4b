'use client';

import { useOutcome } from './fix-journal';
import { UndoFix } from './undo-fix';

/**
 * On the page of a pod a fix rolled out: that the fix worked, who made it when, and its undo. Shown only when this
 * tab applied the fix and moved here (the fix's record is in the journal).
 */
export function FixOutcome({ context, namespace, pod }: { context: string; namespace: string; pod: string }) {
  const record = useOutcome(context, namespace, pod);
  if (!record) return null;
  return (
    <section id="fix" aria-label="Fix outcome" className="rounded-lg border border-emerald-200 bg-white p-5 shadow-sm dark:border-emerald-900 dark:bg-slate-900">
      <p className="text-sm font-medium text-emerald-700 dark:text-emerald-400">The new pod runs: the fix worked.</p>
      <p className="mt-1 text-sm">{record.line}.</p>
      {record.undo && <UndoFix context={context} undo={record.undo} />}
    </section>
  );
}
