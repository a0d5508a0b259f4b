'use client';

import type { ApiError } from '@/lib/api/errors';
import { byCheck, checkWords, type SourceEvidence } from '@/lib/fix-evidence';
import type { CopySecretChoice, FieldErrors, FixOptions } from '@/lib/fix-plan';
import { deriveSecretName } from '@/lib/secret-name';
import { Choice, Field } from './form-parts';

export interface NewSecretFields {
  name: string;
  server: string;
  username: string;
  password: string;
  email: string;
}

export const emptyFields: NewSecretFields = { name: '', server: '', username: '', password: '', email: '' };

export interface SourceState {
  kind: 'new' | 'existing' | 'copy';
  existingName: string | null;
  copy: CopySecretChoice | null;
  copyName?: string;
  fields: NewSecretFields;
  replaceExisting: boolean;
}

interface SourceChoiceProps {
  options: FixOptions;
  evidence: SourceEvidence;
  namespace: string;
  state: SourceState;
  onChange: (state: SourceState) => void;
  errors: FieldErrors;
  conflict: ApiError | null;
}

/**
 * Where the credentials come from: a matching secret here, a copy of one elsewhere, or a new one; the secrets
 * in the order the registry's answers rank them, each with its answer.
 */
export function SourceChoice({ options, evidence, namespace, state, onChange, errors, conflict }: SourceChoiceProps) {
  const existing = byCheck(options.sources.existing, (choice) => evidence.checkOf(namespace, choice.name));
  const copies = byCheck(options.sources.copies, (choice) => evidence.checkOf(choice.namespace, choice.name));
  const { note } = options.sources;
  const said = (secretNamespace: string, name: string) => {
    const check = evidence.checkOf(secretNamespace, name);
    return check === null ? '' : ` · ${checkWords(check)}${check.result === 'can-pull' || check.result === 'not-tested' ? '' : `: ${check.message}`}`;
  };
  const set = (change: Partial<SourceState>) => onChange({ ...state, ...change });
  const setField = (field: keyof NewSecretFields) => (value: string) => set({ fields: { ...state.fields, [field]: value } });
  const taken = conflict?.code === 'conflict';

  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="mb-1 text-sm font-semibold">Credentials</legend>
      {existing.map((choice) => (
        <Choice
          key={`existing/${choice.name}`}
          name="source"
          label={`Existing secret ${choice.name}`}
          detail={`matches through ${choice.servers.join(', ')}${said(namespace, choice.name)}`}
          checked={state.kind === 'existing' && state.existingName === choice.name}
          permission={choice}
          onSelect={() => set({ kind: 'existing', existingName: choice.name })}
        />
      ))}
      {copies.map((choice) => (
        <Choice
          key={`copy/${choice.namespace}/${choice.name}`}
          name="source"
          label={`Copy ${choice.namespace}/${choice.name}`}
          detail={`type and data kept, origin recorded; matches through ${choice.servers.join(', ')}${said(choice.namespace, choice.name)}`}
          checked={state.kind === 'copy' && state.copy?.namespace === choice.namespace && state.copy.name === choice.name}
          permission={choice}
          onSelect={() => set({ kind: 'copy', copy: choice, copyName: undefined })}
        />
      ))}
      <Choice name="source" label="New secret" detail={`for ${options.registry}`} checked={state.kind === 'new'} permission={options.sources.new} onSelect={() => set({ kind: 'new' })} />
      {note && <p className="text-xs text-slate-500 dark:text-slate-400">{note}</p>}
      {state.kind === 'copy' && (
        <Field label="Name of the copy" value={state.copyName ?? state.copy?.name ?? ''} onChange={(copyName) => set({ copyName })} />
      )}
      {state.kind === 'new' && (
        <div className="grid gap-3 rounded-md border border-slate-200 p-3 sm:grid-cols-2 dark:border-slate-700">
          <Field label="Secret name" value={state.fields.name} onChange={setField('name')} error={errors.name} />
          <Field label="Registry server" value={state.fields.server} onChange={setField('server')} error={errors.server} hint={options.defaults.portNote} />
          <Field label="Username" value={state.fields.username} onChange={setField('username')} error={errors.username} autoComplete="off" />
          <Field label="Password or token" type="password" value={state.fields.password} onChange={setField('password')} error={errors.password} autoComplete="new-password" />
          <Field label="Email (optional)" value={state.fields.email} onChange={setField('email')} error={errors.email} />
          {state.replaceExisting && (
            <p className="text-sm text-amber-800 sm:col-span-2 dark:text-amber-300">
              The data of the existing secret {state.fields.name} will be replaced.{' '}
              <button type="button" className="underline" onClick={() => set({ replaceExisting: false })}>
                Keep it
              </button>
            </p>
          )}
        </div>
      )}
      {taken && !state.replaceExisting && (
        <div className="flex flex-wrap gap-2 text-sm">
          {state.kind === 'new' && (
            <button type="button" className="rounded border border-amber-400 px-3 py-1" onClick={() => set({ replaceExisting: true })}>
              Replace its data
            </button>
          )}
          <button type="button" className="rounded border border-slate-300 px-3 py-1" onClick={() => set(renamed(state, options))}>
            Pick another name
          </button>
        </div>
      )}
    </fieldset>
  );
}

function renamed(state: SourceState, options: FixOptions): Partial<SourceState> {
  if (state.kind === 'copy') {
    const current = state.copyName ?? state.copy?.name ?? '';
    return { copyName: deriveSecretName(current, [current]).replace(/^regcred-/, '') };
  }
  return { fields: { ...state.fields, name: deriveSecretName(options.registry, [state.fields.name, options.defaults.secretName]) } };
}
