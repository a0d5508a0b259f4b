'use client';

import { useQuery } from '@tanstack/react-query';
import type { IncidentFixWorkload } from '@/lib/incident-fix';
import { fixProgressQuery, settled } from '@/lib/queries/fix';

/** After an incident fix: every workload it served, until its new pod runs or shows what still fails. */
export function IncidentFixProgress({ context, workloads }: { context: string; workloads: IncidentFixWorkload[] }) {
  return (
    <section aria-label="Progress of every workload" className="flex flex-col gap-2">
      <h4 className="text-sm font-semibold">New pods of every workload</h4>
      <ul className="flex flex-col gap-1">
        {workloads.map((entry) => (
          <WorkloadProgress key={`${entry.namespace}/${entry.workload.kind}/${entry.workload.name}`} context={context} entry={entry} />
        ))}
      </ul>
    </section>
  );
}

function WorkloadProgress({ context, entry }: { context: string; entry: IncidentFixWorkload }) {
  const follow = entry.follow ?? { kind: entry.workload.kind, name: entry.workload.name, after: '', secret: '', restartedAt: null };
  const progress = useQuery({ ...fixProgressQuery(context, entry.namespace, follow), enabled: entry.follow !== null });
  const newest = progress.data?.pods[0] ?? null;
  const failure = progress.data?.failure ?? null;
  const state = failure ? 'failed' : settled(progress.data) ? 'done' : 'waiting';
  const text = failure
    ? `still cannot pull: ${failure.verdict.title}. ${failure.verdict.fix}`
    : newest
      ? `new pod ${newest.name}: ${newest.phase}`
      : progress.isError
        ? progress.error.message
        : 'waiting for a new pod';
  return (
    <li data-workload={`${entry.namespace}/${entry.workload.name}`} data-state={state} className="flex gap-2 text-sm">
      <span aria-hidden="true" className={`w-4 font-bold ${TONE[state]}`}>
        {MARK[state]}
      </span>
      <span>
        <span className="font-medium">
          {entry.workload.kind} {entry.namespace}/{entry.workload.name}
        </span>
        <span className="sr-only"> ({state})</span>
        <span className="block text-xs text-slate-700 dark:text-slate-300">{text}</span>
      </span>
    </li>
  );
}

const MARK = { done: '✓', waiting: '…', failed: '✗' } as const;
const TONE = {
  done: 'text-emerald-700 dark:text-emerald-400',
  waiting: 'text-sky-700 dark:text-sky-400',
  failed: 'text-red-700 dark:text-red-400',
} as const;
