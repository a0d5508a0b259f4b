import Link from 'next/link';
import { memo } from 'react';
import { podHref, type WorkloadFailures } from '@/lib/overview';
import { FailingFor } from './clock';
import { FixLink } from './fix-link';
import { ImageRefChips } from './image-ref-chips';
import { SecretStateCell } from './secret-state-cell';
import { VerdictBadge } from './verdict-badge';

/** The failures table stacked into one card per workload, for phones where seven columns do not fit. */
export function FailureCards({ context, groups, dimmed, busy }: { context: string; groups: WorkloadFailures[]; dimmed: boolean; busy: boolean }) {
  return (
    <ul id="failures" tabIndex={-1} aria-label="Failing workloads" aria-busy={busy || undefined} className={`flex flex-col gap-3 transition-opacity focus:outline-none ${dimmed ? 'opacity-60' : ''}`}>
      {groups.map((group) => (
        <WorkloadCard key={group.key} context={context} group={group} />
      ))}
    </ul>
  );
}

const WorkloadCard = memo(function WorkloadCard({ context, group }: { context: string; group: WorkloadFailures }) {
  return (
    <li data-workload-card={group.key} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <p className="text-xs text-slate-600 dark:text-slate-400">
        {group.workload?.kind ?? 'Pod'} in <span className="font-mono [overflow-wrap:anywhere]">{group.namespace}</span> · {group.podCounts.failing} of {group.podCounts.total} failing
      </p>
      <h3 className="font-semibold [overflow-wrap:anywhere]">{group.workload?.name ?? group.pods[0]}</h3>
      <ul className="mt-3 flex flex-col divide-y divide-slate-100 dark:divide-slate-800">
        {group.failures.map((failure) => {
          const href = podHref(context, failure.namespace, failure.pod);
          return (
            <li key={`${failure.pod}/${failure.container}`} className="group/row flex flex-col gap-2 py-3 first:pt-0 last:pb-0">
              <div className="flex items-baseline justify-between gap-2">
                <Link
                  href={href}
                  className="min-w-0 rounded font-medium text-sky-700 [overflow-wrap:anywhere] focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:text-sky-400"
                >
                  {failure.container}
                  {failure.containerType !== 'regular' && ` (${failure.containerType})`}
                  <span className="ml-1.5 font-mono text-xs font-normal text-slate-600 dark:text-slate-400">{failure.pod}</span>
                </Link>
                <span className="shrink-0 text-xs text-slate-600 dark:text-slate-400">
                  failing for <FailingFor since={failure.failingSince} />
                </span>
              </div>
              <div>
                <VerdictBadge code={failure.verdict.code} title={failure.verdict.title} />
              </div>
              <p className="text-xs text-slate-700 [overflow-wrap:anywhere] dark:text-slate-300">{failure.verdict.explanation}</p>
              <p className="text-xs text-slate-900 [overflow-wrap:anywhere] dark:text-slate-100">
                <span className="font-semibold">What to do: </span>
                {failure.verdict.fix}
              </p>
              <ImageRefChips image={failure.image} imageInput={failure.imageInput} imageError={failure.imageError} />
              <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
                <span>{failure.reason}</span>
                <SecretStateCell state={failure.pullSecrets} />
                <FixLink podHref={href} container={failure.container} pod={failure.pod} className="ml-auto" />
              </p>
            </li>
          );
        })}
      </ul>
    </li>
  );
});
