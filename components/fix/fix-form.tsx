'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { ApiError } from '@/lib/api/errors';
import type { FixRequest } from '@/lib/api/fix-request';
import { validateNewSecret, type FixOptions, type FixProgress, type FixResponse, type InitialChoice } from '@/lib/fix-plan';
import { invalidateContext } from '@/lib/queries';
import { TestCredentialsButton } from '../registry/test-credentials-button';
import { postFix } from '@/lib/queries/fix';
import { FixPreview } from './fix-preview';
import { FixProgressView } from './fix-progress';
import { emptyFields, SourceChoice, type SourceState } from './source-choice';
import { TargetChoice, type TargetState } from './target-choice';

interface FixFormProps {
  context: string;
  namespace: string;
  options: FixOptions;
  initial: InitialChoice;
}

export function FixForm({ context, namespace, options, initial }: FixFormProps) {
  const queryClient = useQueryClient();
  const [source, setSource] = useState<SourceState>(() => ({
    kind: initial.source,
    existingName: initial.existingName,
    copy: options.sources.copies.find((choice) => choice.allowed) ?? null,
    fields: { ...emptyFields, name: initial.newName, server: options.defaults.server },
    replaceExisting: initial.replaceExisting,
  }));
  const [target, setTarget] = useState<TargetState>({ kind: initial.target, confirmed: false });
  const [showErrors, setShowErrors] = useState(false);
  const [preview, setPreview] = useState<FixResponse | null>(null);
  const [applied, setApplied] = useState<FixResponse | null>(null);
  const [succeeded, setSucceeded] = useState(false);
  // After a rollout the pod the form was opened for is gone: the next try is about the new failing pod.
  const [pod, setPod] = useState(options.pod);
  const onSettled = useCallback((failure: FixProgress['failure']) => {
    setSucceeded(failure === null);
    if (!failure) return;
    setPod(failure.pod);
    // The secret just attached was refused: offer a new one instead of the same again.
    setSource((current) =>
      current.kind === 'existing' && current.existingName === failure.verdict.secretName ? { ...current, kind: 'new' } : current,
    );
  }, []);

  const errors = source.kind === 'new' ? validateNewSecret(source.fields) : {};
  const request = (mode: FixRequest['mode']) => buildRequest(mode, { ...options, pod }, source, target);
  const previewing = useMutation<FixResponse, ApiError, FixRequest>({
    mutationFn: (body) => postFix(context, namespace, body),
    onSuccess: setPreview,
  });
  const applying = useMutation<FixResponse, ApiError, FixRequest>({
    mutationFn: (body) => postFix(context, namespace, body),
    onSuccess: (response) => {
      setApplied(response);
      setPreview(null);
      // The password has gone to the server once; the page keeps no copy of it.
      setSource((current) => ({ ...current, fields: { ...current.fields, password: '' } }));
    },
    onSettled: () => invalidateContext(queryClient, context),
  });

  const change = <T,>(set: (value: T) => void) => (value: T) => {
    set(value);
    setPreview(null);
    previewing.reset();
  };
  const body = request('preview');
  const previewOk = preview !== null && preview.steps.every((step) => step.dryRun?.ok);
  const onPreview = () => {
    setShowErrors(true);
    if (body && Object.keys(errors).length === 0) previewing.mutate(body);
  };

  return (
    <div className="mt-4 flex flex-col gap-5">
      {applied && (
        <FixProgressView context={context} namespace={namespace} response={applied} onSettled={onSettled} />
      )}
      {!succeeded && (
        <form className="flex flex-col gap-5" onSubmit={(event) => event.preventDefault()} aria-label="Fix form">
          <SourceChoice options={options} state={source} onChange={change(setSource)} errors={showErrors ? errors : {}} conflict={previewing.error ?? applying.error} />
          <TargetChoice options={options} state={target} onChange={change(setTarget)} />
          <div className="flex flex-wrap items-center gap-3">
            <button type="button" onClick={onPreview} disabled={!body || previewing.isPending} className="rounded-md bg-slate-800 px-4 py-2 text-sm font-medium text-white disabled:opacity-50 dark:bg-slate-200 dark:text-slate-900">
              {previewing.isPending ? 'Checking…' : 'Preview'}
            </button>
            <button
              type="button"
              onClick={() => {
                const applyBody = request('apply');
                if (applyBody) applying.mutate(applyBody);
              }}
              disabled={!previewOk || applying.isPending}
              className="rounded-md bg-sky-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-50"
            >
              {applying.isPending ? 'Applying…' : 'Apply'}
            </button>
            {!body && <span className="text-sm text-slate-500">Choose a source and a target you may use.</span>}
          </div>
          {source.kind === 'new' && <TestCredentialsButton context={context} image={options.image} credential={{ kind: 'typed', username: source.fields.username, password: source.fields.password }} pod={{ namespace, name: options.pod }} />}
          {(previewing.error ?? applying.error) && (
            <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200">
              {(previewing.error ?? applying.error)?.message}
            </p>
          )}
          {preview && <FixPreview response={preview} />}
        </form>
      )}
    </div>
  );
}

/** The request body for the chosen options, or null while a choice is missing or not allowed. */
function buildRequest(mode: FixRequest['mode'], options: FixOptions, source: SourceState, target: TargetState): FixRequest | null {
  const base = { mode, pod: options.pod, container: options.container };
  const chosen = options.targets.find((choice) => choice.kind === target.kind && choice.allowed);
  if (!chosen) return null;
  if (chosen.confirmation && !target.confirmed) return null;
  const attach: FixRequest['target'] =
    chosen.kind === 'recreate-pod' ? { kind: 'recreate-pod', confirm: true } : { kind: chosen.kind, ...(chosen.confirmation ? { confirm: true as const } : {}) };
  switch (source.kind) {
    case 'existing':
      return source.existingName ? { ...base, source: { kind: 'existing', name: source.existingName }, target: attach } : null;
    case 'copy':
      return source.copy ? { ...base, source: { kind: 'copy', fromNamespace: source.copy.namespace, name: source.copy.name, ...(source.copyName ? { newName: source.copyName } : {}) }, target: attach } : null;
    case 'new': {
      if (!options.sources.new.allowed) return null;
      const { email, ...fields } = source.fields;
      return { ...base, source: { kind: 'new', ...fields, ...(email ? { email } : {}), replaceExisting: source.replaceExisting }, target: attach };
    }
  }
}
