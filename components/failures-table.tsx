import type { WorkloadFailures } from '@/lib/overview';
import { WorkloadGroup } from './workload-group';

const COLUMNS = ['Workload', 'Container', 'Image', 'Reason', 'Verdict', 'Pull secrets', 'Age'];

/** Every failing container, grouped under its workload. Scrolls sideways on narrow screens. */
export function FailuresTable({ context, groups, now, dimmed }: { context: string; groups: WorkloadFailures[]; now: number; dimmed: boolean }) {
  return (
    <div
      className={`relative overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm transition-opacity dark:border-slate-800 dark:bg-slate-900 ${dimmed ? 'opacity-60' : ''}`}
    >
      <table className="w-full min-w-[60rem] border-collapse text-left text-sm">
        <caption className="sr-only">Containers that cannot pull their image, grouped by workload</caption>
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-800/60 dark:text-slate-400">
          <tr>
            {COLUMNS.map((column) => (
              <th key={column} scope="col" className="px-3 py-2.5 font-medium">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        {groups.map((group) => (
          <WorkloadGroup key={group.key} context={context} group={group} now={now} />
        ))}
      </table>
    </div>
  );
}
