'use client';

import { useId } from 'react';
import type { Permission } from '@/lib/fix-plan';

/** A radio option that says why it is disabled, so a person knows what permission is missing. */
export function Choice({ name, label, detail, checked, permission, onSelect }: {
  name: string;
  label: string;
  detail: string;
  checked: boolean;
  permission: Permission;
  onSelect: () => void;
}) {
  const id = useId();
  return (
    <label htmlFor={id} className={`flex gap-2 rounded-md p-2 text-sm ${permission.allowed ? 'cursor-pointer hover:bg-slate-50 dark:hover:bg-slate-800' : 'opacity-70'}`}>
      <input id={id} type="radio" name={name} checked={checked} disabled={!permission.allowed} onChange={onSelect} aria-describedby={`${id}-detail`} className="mt-1" />
      <span>
        <span className="font-medium">{label}</span>
        <span id={`${id}-detail`} className="block text-xs text-slate-500 dark:text-slate-400">
          {permission.allowed ? detail : `Not available: ${permission.reason ?? 'not allowed'}`}
        </span>
      </span>
    </label>
  );
}

export function Field({ label, value, onChange, error, hint, type = 'text', autoComplete }: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: string | null;
  type?: 'text' | 'password';
  autoComplete?: string;
}) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1 text-sm">
      <label htmlFor={id} className="font-medium">
        {label}
      </label>
      <input
        id={id}
        type={type}
        value={value}
        autoComplete={autoComplete}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error || hint ? `${id}-note` : undefined}
        onChange={(event) => onChange(event.target.value)}
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 font-mono text-sm dark:border-slate-600 dark:bg-slate-950"
      />
      {(error || hint) && (
        <span id={`${id}-note`} className={error ? 'text-xs text-red-700 dark:text-red-400' : 'text-xs text-slate-500 dark:text-slate-400'}>
          {error ?? hint}
        </span>
      )}
    </div>
  );
}
