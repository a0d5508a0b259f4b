'use client';

import type { FixApplied, FixFollow } from '@/lib/fix-plan';
import { useFollowRollout } from './follow-rollout';

/** After a tag change or an annotation: the rollout's new pod as it comes up; once it runs the page moves to it (useFollowRollout). */
export function RolloutStatus({ context, namespace, follow, outcome }: { context: string; namespace: string; follow: FixFollow; outcome: FixApplied | null }) {
  const progress = useFollowRollout(context, namespace, follow, { outcome, undo: null });
  const newest = progress.data?.pods[0] ?? null;
  const failure = progress.data?.failure ?? null;
  return (
    <p aria-label="Rollout" className="text-sm text-slate-700 dark:text-slate-300">
      {newest ? `New pod ${newest.name}: ${newest.phase}.` : `Waiting for ${follow.kind} ${follow.name} to start a pod with ${follow.image?.image ?? 'the change'}…`}
      {failure && ` It still cannot pull: ${failure.verdict.title}.`}
      {progress.isError && ` ${progress.error.message}`}
    </p>
  );
}
