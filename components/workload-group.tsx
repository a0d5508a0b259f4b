import Link from 'next/link';
import { formatAge, podHref, type WorkloadFailures } from '@/lib/overview';
import { ImageRefChips } from './image-ref-chips';
import { SecretStateCell } from './secret-state-cell';
import { VerificationNote } from './candidate-checks';
import { VerdictBadge } from './verdict-badge';

/** One workload's failing containers: the workload cell spans its rows. */
export function WorkloadGroup({ context, group, now }: { context: string; group: WorkloadFailures; now: number }) {
  return (
    <tbody data-workload={group.key} className="border-t border-slate-200 dark:border-slate-800">
      {group.failures.map((failure, index) => (
        <tr key={`${failure.pod}/${failure.container}`} className="align-top hover:bg-slate-50/80 dark:hover:bg-slate-800/40">
          {index === 0 && (
            <th scope="rowgroup" rowSpan={group.failures.length} className="min-w-36 px-3 py-3 text-left font-normal">
              <span className="block text-xs text-slate-500 dark:text-slate-400">{group.workload?.kind ?? 'Pod'}</span>
              <span className="block break-all font-semibold text-slate-900 dark:text-slate-100">{group.workload?.name ?? group.pods[0]}</span>
              <span className="mt-1 block text-xs text-slate-500 dark:text-slate-400">
                <span className="sr-only">namespace </span>
                <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono dark:bg-slate-800">{group.namespace}</span>
              </span>
              <span className="mt-1.5 block text-xs tabular-nums text-slate-500 dark:text-slate-400">
                {group.podCounts.failing} of {group.podCounts.total} {group.podCounts.total === 1 ? 'pod' : 'pods'} failing
              </span>
            </th>
          )}
          <td className="max-w-40 px-3 py-3">
            <Link
              href={podHref(context, failure.namespace, failure.pod)}
              className="rounded font-medium text-sky-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:text-sky-400"
            >
              {failure.container}
            </Link>
            {failure.containerType !== 'regular' && (
              <span className="ml-1.5 rounded bg-indigo-100 px-1.5 py-0.5 text-[11px] font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-300">
                {failure.containerType}
              </span>
            )}
            <span title={failure.pod} className="mt-0.5 block truncate font-mono text-xs text-slate-500 dark:text-slate-400">
              {failure.pod}
            </span>
          </td>
          <td className="px-3 py-3">
            {/* Table cells ignore min-width; a block inside keeps the chips on one line where they fit. */}
            <div className="min-w-60">
              <ImageRefChips image={failure.image} imageInput={failure.imageInput} imageError={failure.imageError} />
            </div>
          </td>
          <td className="px-3 py-3 text-xs text-slate-700 dark:text-slate-300">{failure.reason}</td>
          <td className="min-w-56 max-w-72 px-3 py-3">
            <VerdictBadge code={failure.verdict.code} title={failure.verdict.title} />
            <VerificationNote verification={failure.verification} />
            <p className="mt-1 line-clamp-2 text-xs text-slate-600 dark:text-slate-400" title={failure.verdict.explanation}>
              {failure.verdict.explanation}
            </p>
          </td>
          <td className="min-w-28 max-w-40 px-3 py-3">
            <SecretStateCell state={failure.pullSecrets} />
          </td>
          <td className="px-3 py-3 text-xs tabular-nums text-slate-600 dark:text-slate-400">
            <time dateTime={failure.podCreated} title={failure.podCreated}>
              {formatAge(failure.podCreated, now)}
            </time>
          </td>
        </tr>
      ))}
    </tbody>
  );
}
