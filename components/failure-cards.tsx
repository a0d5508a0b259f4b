import Link from 'next/link';
import { formatAge, podHref, type WorkloadFailures } from '@/lib/overview';
import { ImageRefChips } from './image-ref-chips';
import { SecretStateCell } from './secret-state-cell';
import { VerdictBadge } from './verdict-badge';

/** The failures table stacked into one card per workload, for phones where seven columns do not fit. */
export function FailureCards({ context, groups, now, dimmed }: { context: string; groups: WorkloadFailures[]; now: number; dimmed: boolean }) {
  return (
    <ul aria-label="Failing workloads" className={`flex flex-col gap-3 transition-opacity ${dimmed ? 'opacity-60' : ''}`}>
      {groups.map((group) => (
        <li key={group.key} data-workload-card={group.key} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <p className="text-xs text-slate-500 dark:text-slate-400">
            {group.workload?.kind ?? 'Pod'} in <span className="font-mono">{group.namespace}</span> · {group.podCounts.failing} of {group.podCounts.total} failing
          </p>
          <h3 className="break-all font-semibold">{group.workload?.name ?? group.pods[0]}</h3>
          <ul className="mt-3 flex flex-col divide-y divide-slate-100 dark:divide-slate-800">
            {group.failures.map((failure) => (
              <li key={`${failure.pod}/${failure.container}`} className="flex flex-col gap-2 py-3 first:pt-0 last:pb-0">
                <div className="flex items-baseline justify-between gap-2">
                  <Link
                    href={podHref(context, failure.namespace, failure.pod)}
                    className="min-w-0 truncate rounded font-medium text-sky-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:text-sky-400"
                  >
                    {failure.container}
                    {failure.containerType !== 'regular' && ` (${failure.containerType})`}
                    <span className="ml-1.5 font-mono text-xs font-normal text-slate-500 dark:text-slate-400">{failure.pod}</span>
                  </Link>
                  <time dateTime={failure.podCreated} className="shrink-0 text-xs text-slate-500 dark:text-slate-400">
                    {formatAge(failure.podCreated, now)}
                  </time>
                </div>
                <div>
                  <VerdictBadge code={failure.verdict.code} title={failure.verdict.title} />
                </div>
                <p className="text-xs text-slate-600 [overflow-wrap:anywhere] dark:text-slate-400">{failure.verdict.explanation}</p>
                <ImageRefChips image={failure.image} imageInput={failure.imageInput} imageError={failure.imageError} />
                <p className="flex flex-wrap gap-x-3 text-xs text-slate-500 dark:text-slate-400">
                  <span>{failure.reason}</span>
                  <SecretStateCell state={failure.pullSecrets} />
                </p>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
