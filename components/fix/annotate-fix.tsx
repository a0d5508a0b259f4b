'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ApiError } from '@/lib/api/errors';
import type { AnnotationFixRequest } from '@/lib/api/fix-request';
import type { PodDiagnosis } from '@/lib/api/types';
import { annotationProblem } from '@/lib/credential-providers/annotations';
import type { AnnotateChoice, FixResponse } from '@/lib/fix-plan';
import { invalidateContext } from '@/lib/queries';
import { fixOptionsQuery, postAnnotationFix } from '@/lib/queries/fix';
import { QueryError } from '../query-error';
import { FixPreview } from './fix-preview';
import { Field } from './form-parts';
import { RolloutStatus } from './rollout-status';

/**
 * The fix for a service account that lacks the annotation the node's credential provider requires: type the
 * identity, preview the patch and the restart with the cluster's dry run, apply; then the page follows the
 * restarted workload's new pod (or the failing pod's next pull) until it runs, and moves to it.
 */
export function AnnotateFixPanel({ context, namespace, pod, container, diagnosis }: { context: string; namespace: string; pod: string; container: string; diagnosis: PodDiagnosis }) {
  const verdict = diagnosis.containers.find((candidate) => candidate.name === container)?.verdict ?? null;
  const wanted = verdict?.code === 'provider-annotation-missing';
  const options = useQuery({ ...fixOptionsQuery(context, namespace, pod, container), enabled: wanted });
  if (!wanted) return null;
  const choice = options.data?.annotate ?? null;
  return (
    <section id="fix" aria-labelledby="fix-heading" className="scroll-mt-6 rounded-lg border border-sky-200 bg-white p-5 shadow-sm dark:border-sky-900 dark:bg-slate-900">
      <h2 id="fix-heading" className="text-lg font-semibold">
        Annotate the service account for <span className="font-mono">{container}</span>
      </h2>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{verdict.fix}</p>
      {options.isPending && <p className="mt-4 text-sm text-slate-500">Asking the cluster what you may do…</p>}
      {options.isError && !options.data && <QueryError title="The fix options could not be loaded" error={options.error} onRetry={() => options.refetch()} />}
      {options.data && !choice && <p className="mt-4 text-sm text-slate-500">The service account now carries what the provider requires: the next pull uses it.</p>}
      {choice && <AnnotateForm key={`${pod}/${container}`} context={context} namespace={namespace} pod={pod} container={container} choice={choice} />}
    </section>
  );
}

function AnnotateForm({ context, namespace, pod, container, choice }: { context: string; namespace: string; pod: string; container: string; choice: AnnotateChoice }) {
  const queryClient = useQueryClient();
  const key = choice.keys[0] ?? '';
  const [value, setValue] = useState('');
  const [preview, setPreview] = useState<FixResponse | null>(null);
  const [applied, setApplied] = useState<FixResponse | null>(null);
  const problem = value === '' ? null : annotationProblem(key, value);
  const request = (mode: AnnotationFixRequest['mode']): AnnotationFixRequest => ({ mode, pod, container, key, value });
  const previewing = useMutation<FixResponse, ApiError, AnnotationFixRequest>({ mutationFn: (body) => postAnnotationFix(context, namespace, body), onSuccess: setPreview });
  const applying = useMutation<FixResponse, ApiError, AnnotationFixRequest>({
    mutationFn: (body) => postAnnotationFix(context, namespace, body),
    onSuccess: setApplied,
    onSettled: () => invalidateContext(queryClient, context),
  });
  const ready = value !== '' && problem === null && choice.allowed;
  const error = previewing.error ?? applying.error;

  return (
    <form className="mt-4 flex flex-col gap-4" onSubmit={(event) => event.preventDefault()} aria-label="Annotate form">
      <p className="text-sm">
        Credential provider <span className="font-mono">{choice.provider}</span> requires <span className="font-mono">{choice.keys.join(', ')}</span> on service account{' '}
        <span className="font-mono">{choice.serviceAccount}</span>.
      </p>
      <Field label={key} value={value} onChange={(next) => { setValue(next); setPreview(null); }} error={problem ?? undefined} hint={choice.allowed ? 'the identity the provider should use' : choice.reason} />
      <div className="flex flex-wrap items-center gap-3">
        <button type="button" onClick={() => previewing.mutate(request('preview'))} disabled={!ready || previewing.isPending} className="rounded-md bg-slate-800 px-4 py-2 text-sm font-medium text-white disabled:opacity-50 dark:bg-slate-200 dark:text-slate-900">
          Preview
        </button>
        <button type="button" onClick={() => applying.mutate(request('apply'))} disabled={!ready || !preview || applying.isPending || applied !== null} className="rounded-md bg-sky-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-50">
          Annotate and restart
        </button>
      </div>
      {error && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200">
          {error.message}
        </p>
      )}
      {preview && !applied && <FixPreview response={preview} />}
      {applied && (
        <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
          {applied.steps.map((step) => step.result?.message).filter(Boolean).join('; ')}.
        </p>
      )}
      {applied?.follow && <RolloutStatus context={context} namespace={namespace} follow={applied.follow} outcome={applied.outcome ?? null} />}
    </form>
  );
}
