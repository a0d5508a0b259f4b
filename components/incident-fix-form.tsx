'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { ApiError } from '@/lib/api/errors';
import type { IncidentFixRequest } from '@/lib/api/incident-fix-request';
import { validateNewSecret, type FieldErrors } from '@/lib/fix-plan';
import type { IncidentFixPlan, IncidentFixResponse } from '@/lib/incident-fix';
import { invalidateContext } from '@/lib/queries';
import { postIncidentFix } from '@/lib/queries/incident-fix';
import { FixPreview } from './fix/fix-preview';
import { Field } from './fix/form-parts';
import { IncidentFixProgress } from './incident-fix-progress';

/**
 * One fix for a whole incident: the credentials once (when a secret is made or its data replaced), every step of
 * every namespace and workload previewed as one server-side dry run, one apply, then every workload followed
 * until its new pod runs. The password goes to the server with each request and is cleared once applied.
 */
export function IncidentFixForm({ context, title, plan, onClose }: { context: string; title: string; plan: IncidentFixPlan; onClose: () => void }) {
  const queryClient = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  const [fields, setFields] = useState({ name: plan.secretName, server: plan.source === 'new' ? plan.server : '', username: '', password: '' });
  const [showErrors, setShowErrors] = useState(false);
  const [acceptRefusal, setAcceptRefusal] = useState(false);
  const [preview, setPreview] = useState<IncidentFixResponse | null>(null);
  const [applied, setApplied] = useState<IncidentFixResponse | null>(null);
  useEffect(() => heading.current?.focus(), []);

  const errors: FieldErrors = plan.source === 'new' ? validateNewSecret(fields) : {};
  const request = (mode: IncidentFixRequest['mode']): IncidentFixRequest => ({
    mode,
    source:
      plan.source === 'new'
        ? { kind: 'new', name: fields.name, server: fields.server, username: fields.username, password: fields.password, ...(plan.replaceExisting ? { replaceExisting: true } : {}) }
        : { kind: 'existing', name: plan.secretName },
    targets: plan.targets,
    ...(mode === 'apply' && acceptRefusal ? { acceptUnverified: true } : {}),
  });
  const previewing = useMutation<IncidentFixResponse, ApiError, IncidentFixRequest>({ mutationFn: (body) => postIncidentFix(context, body), onSuccess: setPreview });
  const applying = useMutation<IncidentFixResponse, ApiError, IncidentFixRequest>({
    mutationFn: (body) => postIncidentFix(context, body),
    onSuccess: (response) => {
      setApplied(response);
      setPreview(null);
      setFields((current) => ({ ...current, password: '' }));
    },
    onSettled: () => invalidateContext(queryClient, context),
  });
  const edit = (field: keyof typeof fields) => (value: string) => {
    setFields((current) => ({ ...current, [field]: value }));
    setPreview(null);
    setAcceptRefusal(false);
  };
  const error = previewing.error ?? applying.error;
  const refused = applying.error?.code === 'credential-refused';
  const previewOk = preview !== null && preview.steps.every((step) => step.dryRun?.ok);
  const onPreview = () => {
    setShowErrors(true);
    if (Object.keys(errors).length === 0) previewing.mutate(request('preview'));
  };

  return (
    <section id="incident-fix" aria-labelledby="incident-fix-heading" className="flex flex-col gap-4 border-t border-slate-200 p-4 dark:border-slate-800">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <h3 id="incident-fix-heading" ref={heading} tabIndex={-1} className="text-base font-semibold focus:outline-none">
          Fix the incident: {title}
        </h3>
        <button type="button" onClick={onClose} className="rounded text-sm text-sky-800 underline dark:text-sky-300">
          Close
        </button>
      </div>
      <p className="text-sm">{summary(plan)}</p>
      {plan.skipped.length > 0 && (
        <p className="text-sm text-amber-800 dark:text-amber-300">
          Not included, fix each from its own row (it must be recreated): {plan.skipped.map((target) => `${target.namespace}/${target.workload.kind} ${target.workload.name}`).join(', ')}.
        </p>
      )}
      {!applied && (
        <form className="flex flex-col gap-4" aria-label="Incident fix form" onSubmit={(event) => event.preventDefault()}>
          {plan.source === 'new' && (
            <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
              <Field label="Secret name" value={fields.name} onChange={edit('name')} error={showErrors ? errors.name : undefined} hint={plan.replaceExisting ? 'the secret the workloads already name' : null} />
              <Field label="Registry server" value={fields.server} onChange={edit('server')} error={showErrors ? errors.server : undefined} />
              <Field label="Username" value={fields.username} onChange={edit('username')} error={showErrors ? errors.username : undefined} autoComplete="off" />
              <Field label="Password or token" type="password" value={fields.password} onChange={edit('password')} error={showErrors ? errors.password : undefined} autoComplete="new-password" />
            </div>
          )}
          <div className="flex flex-wrap items-center gap-3">
            <button type="button" onClick={onPreview} disabled={previewing.isPending} className="rounded-md bg-slate-800 px-4 py-2 text-sm font-medium text-white disabled:opacity-50 dark:bg-slate-200 dark:text-slate-900">
              {previewing.isPending ? 'Checking…' : 'Preview all steps'}
            </button>
            <button
              type="button"
              onClick={() => applying.mutate(request('apply'))}
              disabled={!previewOk || applying.isPending || (refused && !acceptRefusal)}
              className="rounded-md bg-sky-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-50"
            >
              {applying.isPending ? 'Applying…' : `Apply to ${plan.targets.length} workloads`}
            </button>
          </div>
          {error && (
            <p role="alert" className="text-sm text-red-800 dark:text-red-300">
              {error.message}
            </p>
          )}
          {refused && (
            <label className="flex gap-2 text-sm">
              <input type="checkbox" checked={acceptRefusal} onChange={(event) => setAcceptRefusal(event.target.checked)} />
              Apply anyway: I know the registry refused this credential
            </label>
          )}
          {preview && <FixPreview response={{ ...preview, follow: null, steps: preview.steps.map((step) => ({ ...step, title: `${step.namespace}: ${step.title}` })) }} />}
        </form>
      )}
      {applied && (
        <>
          <p role="status" className="text-sm font-medium text-emerald-700 dark:text-emerald-400">
            Applied all {applied.steps.length} steps.
          </p>
          <IncidentFixProgress context={context} workloads={applied.workloads} />
        </>
      )}
    </section>
  );
}

function summary(plan: IncidentFixPlan): string {
  const workloads = `${plan.targets.length} ${plan.targets.length === 1 ? 'workload' : 'workloads'}`;
  const namespaces = plan.namespaces.join(', ');
  if (plan.source === 'existing') return `Attach the existing secret ${plan.secretName} to ${workloads} in ${namespaces}.`;
  if (plan.replaceExisting) return `Replace the data of ${plan.secretName} in ${namespaces} with new credentials, then restart the ${workloads} that use it.`;
  return `Create ${plan.secretName} with these credentials in ${namespaces} and attach it to ${workloads}.`;
}
