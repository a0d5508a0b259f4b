'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { invalidateContext } from '@/lib/queries';
import { imageFixPreviewQuery, podRegistryQuery, postImageFix } from '@/lib/queries/registry';
import { RolloutStatus } from '../fix/rollout-status';
import type { ContainerRef } from './container-ref';


const SHOWN = 8;

/**
 * For tag-not-found: the repository's tags closest to the one asked for, each with "Use this tag", which
 * previews the patch of the workload (with the API server's dry run and permission answer) before applying it.
 */
export function TagSuggestions({ context, namespace, pod, container }: ContainerRef) {
  const info = useQuery(podRegistryQuery(context, namespace, pod, container));
  const [chosen, setChosen] = useState<string | null>(null);
  // A refetch that fails (the pod is gone once the fix rolls out) keeps the list and the change on screen.
  if (info.data === undefined) {
    if (info.isError) return <p className="text-sm text-amber-800 dark:text-amber-300">The tags could not be listed: {info.error.message}</p>;
    return <p className="text-sm text-slate-500">Listing the repository’s tags…</p>;
  }
  const { tags } = info.data;
  if (!tags.ok) return <p className="text-sm text-amber-800 dark:text-amber-300">The tags could not be listed: {tags.message}</p>;
  if (tags.suggestions.length === 0) return <p className="text-sm">The repository has no other tags.</p>;
  return (
    <section aria-label="tag suggestions" className="flex flex-col gap-3 text-sm">
      <ol className="flex flex-col gap-1">
        {tags.suggestions.slice(0, SHOWN).map((tag) => (
          <li key={tag} className="flex items-center gap-3">
            <span className="font-mono">{tag}</span>
            <button type="button" onClick={() => setChosen(tag)} className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50 dark:border-slate-600 dark:hover:bg-slate-800">
              Use this tag
            </button>
          </li>
        ))}
      </ol>
      {!tags.complete && <p className="text-xs text-slate-500">Only the first pages of tags were read.</p>}
      {chosen !== null && <TagChange key={chosen} {...{ context, namespace, pod, container }} tag={chosen} />}
    </section>
  );
}

function TagChange({ context, namespace, pod, container, tag }: ContainerRef & { tag: string }) {
  const queryClient = useQueryClient();
  const request = { pod, container, tag };
  const preview = useQuery(imageFixPreviewQuery(context, namespace, request));
  const apply = useMutation({
    mutationFn: () => postImageFix(context, namespace, { ...request, mode: 'apply' }),
    // The cluster's views change; this pod's tag list and preview are registry reads and stay.
    onSettled: () => invalidateContext(queryClient, context),
  });
  if (preview.isPending) return <p>Checking the change with the API server…</p>;
  if (preview.isError) return <p className="text-rose-800 dark:text-rose-300">The change cannot be made: {preview.error.message}</p>;
  const plan = preview.data;
  const blocked = !plan.allowed || !plan.dryRun.ok;
  return (
    <div aria-label="tag change preview" className="flex flex-col gap-2 rounded-lg border border-slate-200 p-3 dark:border-slate-700">
      <p>
        Patch {plan.target.kind} <span className="font-mono">{plan.target.name}</span>: <span className="font-mono">{plan.from}</span> →{' '}
        <span className="font-mono">{plan.to}</span>
      </p>
      <pre className="overflow-x-auto rounded bg-slate-100 p-2 font-mono text-xs dark:bg-slate-800">{plan.patch}</pre>
      {!plan.allowed && <p className="text-rose-800 dark:text-rose-300">{plan.deniedReason}</p>}
      {!plan.dryRun.ok && <p className="text-rose-800 dark:text-rose-300">The dry run failed: {plan.dryRun.message}</p>}
      {plan.allowed && plan.dryRun.ok && <p className="text-emerald-800 dark:text-emerald-300">✓ The API server accepted the change in a dry run.</p>}
      <button
        type="button"
        onClick={() => apply.mutate()}
        disabled={blocked || apply.isPending || apply.isSuccess}
        className="self-start rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900"
      >
        {apply.isPending ? 'Applying…' : `Apply ${tag}`}
      </button>
      <div role="status" aria-live="polite">
        {apply.isSuccess && <p className="text-emerald-800 dark:text-emerald-300">✓ Applied: {plan.target.kind} {plan.target.name} rolls out {plan.to}, and new pods replace this one.</p>}
        {apply.data?.follow && <RolloutStatus context={context} namespace={namespace} follow={apply.data.follow} outcome={apply.data.outcome} />}
        {apply.isError && <p className="text-rose-800 dark:text-rose-300">The change failed: {apply.error.message}</p>}
      </div>
    </div>
  );
}
