import type { WorkloadFailures } from '@/lib/overview';
import { VirtualFailureRows } from './virtual-failure-rows';
import { WorkloadGroup } from './workload-group';

/** Above this many rows only those near the viewport are mounted: a few hundred full rows stay within a frame. */
export const VIRTUALIZE_ABOVE_ROWS = 300;

const COLUMNS = [
  { name: 'Workload', width: 'w-[15%]' },
  { name: 'Container', width: 'w-[14%]' },
  { name: 'Image', width: 'w-[17%]' },
  { name: 'Verdict and what to do', width: 'w-[28%]' },
  { name: 'Pull secrets', width: 'w-[11%]' },
  { name: 'Failing for', width: 'w-[8%]' },
  { name: 'Action', width: 'w-[7%]', hidden: true },
];

/**
 * Every failing container, grouped under its workload, most urgent first. Long values wrap: nothing scrolls
 * sideways. `busy` while the rows are the server's first screen and more are on their way.
 */
export function FailuresTable({ context, groups, rowCount, dimmed, busy }: { context: string; groups: WorkloadFailures[]; rowCount: number; dimmed: boolean; busy: boolean }) {
  return (
    <div
      id="failures"
      tabIndex={-1}
      aria-busy={busy || undefined}
      className={`scroll-mt-4 rounded-xl border border-slate-200 bg-white shadow-sm transition-opacity focus:outline-none dark:border-slate-800 dark:bg-slate-900 ${dimmed ? 'opacity-60' : ''}`}
    >
      <table className="w-full table-fixed border-collapse text-left text-sm">
        <caption className="sr-only">Containers that cannot pull their image, grouped by workload, most urgent first</caption>
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600 dark:bg-slate-800/60 dark:text-slate-400">
          <tr>
            {COLUMNS.map((column) => (
              <th key={column.name} scope="col" className={`${column.width} px-3 py-2.5 font-medium`}>
                {column.hidden ? <span className="sr-only">{column.name}</span> : column.name}
              </th>
            ))}
          </tr>
        </thead>
        {rowCount > VIRTUALIZE_ABOVE_ROWS ? (
          <VirtualFailureRows context={context} groups={groups} rowCount={rowCount} columns={COLUMNS.length} />
        ) : (
          groups.map((group) => <WorkloadGroup key={group.key} context={context} group={group} />)
        )}
      </table>
    </div>
  );
}
