import type { GitOpsManagement } from '@/lib/gitops';

/** Said above the form when a GitOps tool or Helm owns the workload: the live patch will not stay. */
export function GitOpsWarning({ management }: { management: GitOpsManagement }) {
  return (
    <p role="note" data-gitops={management.tool} className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200">
      <span className="font-semibold">Managed by {management.tool}</span> ({management.evidence}): {management.consequence} The YAML change to commit comes first below;
      applying the form here only helps until the next sync.
    </p>
  );
}
