import Link from 'next/link';
import { memo, type MouseEvent } from 'react';
import type { PullFailure } from '@/lib/api/types';
import { podHref, type WorkloadFailures } from '@/lib/overview';
import { VerificationNote } from './candidate-checks';
import { FailingFor } from './clock';
import { FixLink } from './fix-link';
import { ImageRefChips } from './image-ref-chips';
import { SecretStateCell } from './secret-state-cell';
import { VerdictBadge } from './verdict-badge';

/**
 * A virtualized table passes which rows of the group it shows (`from` up to `to`), the index of row `from` in
 * the whole table and how it measures rows; without them every row is shown. Flat props, so memo compares them.
 */
interface VisibleRows {
  from?: number;
  to?: number;
  index?: number;
  measure?: (row: HTMLTableRowElement | null) => void;
}

/**
 * One workload's failing containers: the workload cell spans its rows. Memoized: a refresh that leaves the
 * group's object unchanged (see reuseUnchanged) does not re-render it. A click anywhere on a row that is not
 * itself a control follows the row's container link, which stays the one real link for keyboards.
 */
export const WorkloadGroup = memo(function WorkloadGroup({ context, group, from = 0, to, index, measure }: { context: string; group: WorkloadFailures } & VisibleRows) {
  const rows = group.failures.slice(from, to ?? group.failures.length);
  return (
    <tbody data-workload={group.key} onClick={followRowLink} className="border-t border-slate-200 dark:border-slate-800">
      {rows.map((failure, offset) => (
        <tr
          key={`${failure.pod}/${failure.container}`}
          ref={measure}
          data-index={index === undefined ? undefined : index + offset}
          className="group/row cursor-pointer align-top hover:bg-slate-50 focus-within:bg-slate-50 dark:hover:bg-slate-800/40 dark:focus-within:bg-slate-800/40"
        >
          {offset === 0 && <WorkloadCell group={group} rowSpan={rows.length} />}
          <FailureCells context={context} failure={failure} />
        </tr>
      ))}
    </tbody>
  );
});

function WorkloadCell({ group, rowSpan }: { group: WorkloadFailures; rowSpan: number }) {
  return (
    <th scope="rowgroup" rowSpan={rowSpan} className="px-3 py-3 text-left font-normal">
      <span className="block text-xs text-slate-600 dark:text-slate-400">{group.workload?.kind ?? 'Pod'}</span>
      <span className="block font-semibold text-slate-900 [overflow-wrap:anywhere] dark:text-slate-100">{group.workload?.name ?? group.pods[0]}</span>
      <span className="mt-1 block text-xs">
        <span className="sr-only">namespace </span>
        <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-700 [overflow-wrap:anywhere] dark:bg-slate-800 dark:text-slate-300">{group.namespace}</span>
      </span>
      <span className="mt-1.5 block text-xs tabular-nums text-slate-600 dark:text-slate-400">
        {group.podCounts.failing} of {group.podCounts.total} {group.podCounts.total === 1 ? 'pod' : 'pods'} failing
      </span>
    </th>
  );
}

function FailureCells({ context, failure }: { context: string; failure: PullFailure }) {
  const href = podHref(context, failure.namespace, failure.pod);
  return (
    <>
      <td className="px-3 py-3">
        <Link
          href={href}
          data-row-link=""
          className="rounded font-medium text-sky-700 underline-offset-2 [overflow-wrap:anywhere] hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:text-sky-400"
        >
          {failure.container}
        </Link>
        {failure.containerType !== 'regular' && (
          <span className="ml-1.5 rounded bg-indigo-100 px-1.5 py-0.5 text-[11px] font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-300">
            {failure.containerType}
          </span>
        )}
        <span className="mt-0.5 block font-mono text-xs text-slate-600 [overflow-wrap:anywhere] dark:text-slate-400">{failure.pod}</span>
        <span className="mt-1 block text-xs text-slate-600 dark:text-slate-400">{failure.reason}</span>
      </td>
      <td className="px-3 py-3">
        <ImageRefChips image={failure.image} imageInput={failure.imageInput} imageError={failure.imageError} />
      </td>
      <td className="px-3 py-3">
        <VerdictBadge code={failure.verdict.code} title={failure.verdict.title} />
        <VerificationNote verification={failure.verification} />
        <p className="mt-1 text-xs text-slate-700 [overflow-wrap:anywhere] dark:text-slate-300">{failure.verdict.explanation}</p>
        <p className="mt-1 text-xs text-slate-900 [overflow-wrap:anywhere] dark:text-slate-100">
          <span className="font-semibold">What to do: </span>
          {failure.verdict.fix}
        </p>
      </td>
      <td className="px-3 py-3">
        <SecretStateCell state={failure.pullSecrets} />
      </td>
      <td className="px-3 py-3 text-xs text-slate-700 dark:text-slate-300">
        <FailingFor since={failure.failingSince} />
      </td>
      <td className="px-3 py-3 text-right">
        <FixLink podHref={href} container={failure.container} pod={failure.pod} />
      </td>
    </>
  );
}

/** A click on a row's plain text opens the row; controls, links and a text selection keep their own behaviour. */
function followRowLink(event: MouseEvent<HTMLElement>): void {
  const target = event.target as HTMLElement;
  if (target.closest('a, button, input, select, textarea, summary, label')) return;
  if (window.getSelection()?.toString()) return;
  target.closest('tr')?.querySelector<HTMLAnchorElement>('a[data-row-link]')?.click();
}
