'use client';

import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useMemo, useState } from 'react';
import type { PodDiagnosis, VerdictSummary } from '@/lib/api/types';
import { sourceEvidence, withEvidence } from '@/lib/fix-evidence';
import { fixFormFor } from '@/lib/fix-forms';
import { parseFixLink, withPrefill } from '@/lib/fix-link';
import { initialChoice } from '@/lib/fix-plan';
import { fixOptionsQuery } from '@/lib/queries/fix';
import { VERDICTS } from '@/lib/verdicts';
import { QueryError } from '../query-error';
import { AnnotateFixPanel } from './annotate-fix';
import { FixForm } from './fix-form';

export interface FixPanelProps {
  context: string;
  namespace: string;
  pod: string;
  container: string;
  diagnosis: PodDiagnosis;
}

/**
 * The "Fix" section of a pod: pick where the credentials come from and where to attach them, preview every
 * step with the cluster's dry run, apply, and follow the new pod until it runs or shows a new verdict.
 */
export function FixPanel({ context, namespace, pod, container: failing, diagnosis }: FixPanelProps) {
  const searchParams = useSearchParams();
  const link = useMemo(() => parseFixLink(new URLSearchParams(searchParams.toString())), [searchParams]);
  const linked = link.prefill.container;
  const linkedKnown = linked !== undefined && diagnosis.containers.some((candidate) => candidate.name === linked);
  const container = linkedKnown ? linked : failing;
  const live = fixableVerdict(diagnosis, container);
  // A fix replaces the failing pod, often under the same name: the panel stays while the new pod runs.
  const [pinned, setPinned] = useState<Pinned | null>(null);
  if (live && (pinned?.container !== live.container || pinned.verdict.code !== live.verdict.code)) setPinned(live);
  const shown = live ?? pinned;
  const options = useQuery({ ...fixOptionsQuery(context, namespace, pod, shown?.container ?? ''), enabled: shown !== null });
  if (!shown) return <AnnotateFixPanel context={context} namespace={namespace} pod={pod} container={container} diagnosis={diagnosis} />;
  const { verdict } = shown;
  const shownContainer = diagnosis.containers.find((candidate) => candidate.name === shown.container);
  const evidence = sourceEvidence(namespace, shownContainer?.candidates ?? []);
  const form = fixFormFor(verdict, { container: shown.container, registry: shownContainer?.image?.registry ?? '', workload: diagnosis.workload });
  const prefilled = options.data ? withPrefill(withEvidence(initialChoice(options.data, verdict), options.data, namespace, evidence), options.data, link.prefill) : null;
  const ignored = [
    ...(linked !== undefined && !linkedKnown ? [`pod ${pod} has no container "${linked}".`] : []),
    ...link.ignored,
    ...(prefilled?.ignored ?? []),
  ];

  return (
    <section id="fix" aria-labelledby="fix-heading" className="scroll-mt-6 rounded-lg border border-sky-200 bg-white p-5 shadow-sm dark:border-sky-900 dark:bg-slate-900">
      <h2 id="fix-heading" className="text-lg font-semibold">
        {form?.heading ?? `Attach a pull secret for ${shown.container}`}
      </h2>
      {form?.warning && (
        <p role="note" data-expiry className="mt-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200">
          {form.warning}
        </p>
      )}
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{form?.summary ?? verdict.fix}</p>
      {ignored.length > 0 && (
        <div role="note" aria-label="Link values ignored" className="mt-2 rounded-md border border-slate-300 p-3 text-sm dark:border-slate-600">
          The link to this form had values that could not be used:
          <ul className="mt-1 list-disc pl-5">
            {ignored.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </div>
      )}
      {options.isPending && <p className="mt-4 text-sm text-slate-500">Asking the cluster what you may do…</p>}
      {options.isError && !options.data && <QueryError title="The fix options could not be loaded" error={options.error} onRetry={() => options.refetch()} />}
      {options.data && prefilled && (
        <FixForm
          key={`${pod}/${shown.container}`}
          context={context}
          namespace={namespace}
          options={options.data}
          evidence={evidence}
          initial={prefilled.initial}
        />
      )}
    </section>
  );
}

interface Pinned {
  container: string;
  verdict: VerdictSummary;
}

function fixableVerdict(diagnosis: PodDiagnosis, container: string): Pinned | null {
  const verdict = diagnosis.containers.find((candidate) => candidate.name === container)?.verdict ?? null;
  return verdict && VERDICTS[verdict.code].secretFixable ? { container, verdict } : null;
}
