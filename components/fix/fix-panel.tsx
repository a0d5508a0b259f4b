'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { PodDiagnosis, VerdictSummary } from '@/lib/api/types';
import { sourceEvidence, withEvidence } from '@/lib/fix-evidence';
import { initialChoice } from '@/lib/fix-plan';
import { fixOptionsQuery } from '@/lib/queries/fix';
import { VERDICTS } from '@/lib/verdicts';
import { QueryError } from '../query-error';
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
export function FixPanel({ context, namespace, pod, container, diagnosis }: FixPanelProps) {
  const live = fixableVerdict(diagnosis, container);
  // A fix replaces the failing pod, often under the same name: the panel stays while the new pod runs.
  const [pinned, setPinned] = useState<Pinned | null>(null);
  if (live && (pinned?.container !== live.container || pinned.verdict.code !== live.verdict.code)) setPinned(live);
  const shown = live ?? pinned;
  const options = useQuery({ ...fixOptionsQuery(context, namespace, pod, shown?.container ?? ''), enabled: shown !== null });
  if (!shown) return null;
  const { verdict } = shown;
  const evidence = sourceEvidence(namespace, diagnosis.containers.find((candidate) => candidate.name === shown.container)?.candidates ?? []);

  return (
    <section id="fix" aria-labelledby="fix-heading" className="scroll-mt-6 rounded-lg border border-sky-200 bg-white p-5 shadow-sm dark:border-sky-900 dark:bg-slate-900">
      <h2 id="fix-heading" className="text-lg font-semibold">
        Attach a pull secret for <span className="font-mono">{shown.container}</span>
      </h2>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{verdict.fix}</p>
      {options.isPending && <p className="mt-4 text-sm text-slate-500">Asking the cluster what you may do…</p>}
      {options.isError && !options.data && <QueryError title="The fix options could not be loaded" error={options.error} onRetry={() => options.refetch()} />}
      {options.data && (
        <FixForm
          key={`${pod}/${shown.container}`}
          context={context}
          namespace={namespace}
          options={options.data}
          evidence={evidence}
          initial={withEvidence(initialChoice(options.data, verdict), options.data, namespace, evidence)}
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
