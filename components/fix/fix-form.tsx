'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { ApiError } from '@/lib/api/errors';
import type { FixRequest } from '@/lib/api/fix-request';
import type { SourceEvidence } from '@/lib/fix-evidence';
import { validateNewSecret, type FixOptions, type FixProgress, type FixResponse, type InitialChoice, type TargetChoice as TargetOption } from '@/lib/fix-plan';
import { invalidateContext } from '@/lib/queries';
import { TestCredentialsButton } from '../registry/test-credentials-button';
import { postFix } from '@/lib/queries/fix';
import { FixPreview } from './fix-preview';
import { FixProgressView } from './fix-progress';
import { GitOpsWarning } from './gitops-warning';
import { Handoff } from './handoff';
import { emptyFields, SourceChoice, type SourceState } from './source-choice';
import { TargetChoice, type TargetState } from './target-choice';

interface FixFormProps {
  context: string;
  namespace: string;
  options: FixOptions;
  initial: InitialChoice;
  evidence: SourceEvidence;
}

export function FixForm({ context, namespace, options, initial, evidence }: FixFormProps) {
  const queryClient = useQueryClient();
  const [source, setSource] = useState<SourceState>(() => ({
    kind: initial.source,
    existingName: initial.existingName,
    copy:
      options.sources.copies.find((choice) => choice.namespace === initial.copy?.namespace && choice.name === initial.copy.name) ??
      options.sources.copies.find((choice) => choice.allowed) ??
      null,
    fields: { ...emptyFields, name: initial.newName, server: initial.server ?? options.defaults.server, username: initial.username ?? '' },
    replaceExisting: initial.replaceExisting,
  }));
  const [target, setTarget] = useState<TargetState>({ kind: initial.target, confirmed: false });
  const [showErrors, setShowErrors] = useState(false);
  // Ticked by the person after reading the registry's refusal: the apply then says acceptUnverified.
  const [acceptRefusal, setAcceptRefusal] = useState(false);
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
  const request = (mode: FixRequest['mode']) => {
    const built = buildRequest(mode, { ...options, pod }, source, target);
    return built && mode === 'apply' && refusal !== null && acceptRefusal ? { ...built, acceptUnverified: true } : built;
  };
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
    setAcceptRefusal(false);
    previewing.reset();
    applying.reset();
  };
  const refusal = refusalOf(source, namespace, evidence, applying.error);
  const body = request('preview');
  const previewOk = preview !== null && preview.steps.every((step) => step.dryRun?.ok);
  const onPreview = () => {
    setShowErrors(true);
    if (body && Object.keys(errors).length === 0) previewing.mutate(body);
  };

  // With a GitOps tool in charge, the change to commit comes first: a live patch would be reverted.
  const handoff = <Handoff options={options} namespace={namespace} source={source} target={target.kind} />;

  return (
    <div className="mt-4 flex flex-col gap-5">
      {applied && (
        <FixProgressView context={context} namespace={namespace} response={applied} onSettled={onSettled} />
      )}
      {!succeeded && options.management && (
        <>
          <GitOpsWarning management={options.management} />
          {handoff}
        </>
      )}
      {!succeeded && (
        <form className="flex flex-col gap-5" onSubmit={(event) => event.preventDefault()} aria-label="Fix form">
          <SourceChoice options={options} evidence={evidence} namespace={namespace} state={source} onChange={change(setSource)} errors={showErrors ? errors : {}} conflict={previewing.error ?? applying.error} />
          <TargetChoice options={options} state={target} onChange={change(setTarget)} />
          {source.kind === 'new' && <TestCredentialsButton context={context} image={options.image} credential={{ kind: 'typed', username: source.fields.username, password: source.fields.password }} pod={{ namespace, name: options.pod }} />}
          {refusal !== null && (
            <label className="flex gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200">
              <input type="checkbox" checked={acceptRefusal} onChange={(event) => setAcceptRefusal(event.target.checked)} className="mt-1" />
              <span>Apply anyway, although {refusal}</span>
            </label>
          )}
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
              disabled={!previewOk || applying.isPending || (refusal !== null && !acceptRefusal)}
              className="rounded-md bg-sky-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-50"
            >
              {applying.isPending ? 'Applying…' : 'Apply'}
            </button>
            {!body && <span className="text-sm text-slate-500">{target.kind === 'in-place' ? inPlaceMismatch(options, source) : 'Choose a source and a target you may use.'}</span>}
          </div>
          {(previewing.error ?? applying.error) && refusal === null && (
            <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200">
              {(previewing.error ?? applying.error)?.message}
            </p>
          )}
          {preview && <FixPreview response={preview} />}
        </form>
      )}
      {!succeeded && !options.management && handoff}
    </div>
  );
}

/** Why the registry refused the chosen credential, said in the tick box; null when it did not (or was not asked). */
function refusalOf(source: SourceState, namespace: string, evidence: SourceEvidence, error: ApiError | null): string | null {
  if (error?.code === 'credential-refused') return error.message;
  const chosen = source.kind === 'existing' && source.existingName ? { namespace, name: source.existingName } : source.kind === 'copy' && source.copy ? source.copy : null;
  if (chosen === null || !evidence.refused(chosen.namespace, chosen.name)) return null;
  const check = evidence.checkOf(chosen.namespace, chosen.name);
  return `the registry refused ${chosen.name} (${check?.result ?? 'refused'}): ${check?.message ?? ''}`;
}

/** The request body for the chosen options, or null while a choice is missing or not allowed. */
function buildRequest(mode: FixRequest['mode'], options: FixOptions, source: SourceState, target: TargetState): FixRequest | null {
  const base = { mode, pod: options.pod, container: options.container };
  const chosen = options.targets.find((choice) => choice.kind === target.kind && choice.allowed);
  if (!chosen) return null;
  if (chosen.confirmation && !target.confirmed) return null;
  if (chosen.kind === 'in-place' && inPlaceMismatch(options, source) !== null) return null;
  const attach = attachTarget(chosen);
  switch (source.kind) {
    case 'existing': {
      const allowed = options.sources.existing.some((choice) => choice.name === source.existingName && choice.allowed);
      return source.existingName && allowed ? { ...base, source: { kind: 'existing', name: source.existingName }, target: attach } : null;
    }
    case 'copy':
      return source.copy?.allowed ? { ...base, source: { kind: 'copy', fromNamespace: source.copy.namespace, name: source.copy.name, ...(source.copyName ? { newName: source.copyName } : {}) }, target: attach } : null;
    case 'new': {
      if (!options.sources.new.allowed) return null;
      const { email, ...fields } = source.fields;
      return { ...base, source: { kind: 'new', ...fields, ...(email ? { email } : {}), replaceExisting: source.replaceExisting }, target: attach };
    }
  }
}

function attachTarget(chosen: TargetOption): FixRequest['target'] {
  switch (chosen.kind) {
    case 'recreate-pod':
      return { kind: 'recreate-pod', confirm: true };
    case 'in-place':
      return { kind: 'in-place' };
    default:
      return { kind: chosen.kind, ...(chosen.confirmation ? { confirm: true as const } : {}) };
  }
}

/** Why "nothing to attach" does not fit the chosen source, or null when it does: it needs a new secret under a name the pod uses. */
function inPlaceMismatch(options: FixOptions, source: SourceState): string | null {
  if (source.kind === 'new' && options.podSecrets.includes(source.fields.name)) return null;
  return `"Nothing to attach" fits a new secret named ${options.podSecrets.join(' or ')}, which the pod already uses: pick that name (and replace its data if it exists), or choose where to attach.`;
}
