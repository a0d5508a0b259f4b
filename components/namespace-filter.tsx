'use client';

import { useState, type FormEvent } from 'react';
import { FIELD_CLASS } from './context-switcher';

/**
 * The namespace the cluster is asked about. Free text with the namespaces seen so far as suggestions: the
 * user may list pods in a namespace without being allowed to list namespaces. Callers key it by the
 * namespace so the draft resets when the URL changes.
 */
export function NamespaceFilter({ namespace, known, onChange }: { namespace: string | null; known: string[]; onChange: (namespace: string | null) => void }) {
  const [draft, setDraft] = useState(namespace ?? '');

  function apply(event?: FormEvent) {
    event?.preventDefault();
    const next = draft.trim() || null;
    if (next !== namespace) onChange(next);
  }

  return (
    <form onSubmit={apply} role="search" aria-label="Namespace" className="flex min-w-0 flex-col gap-1 text-xs font-medium text-slate-600 dark:text-slate-400">
      <label htmlFor="namespace-filter">Namespace</label>
      <div className="flex gap-1">
        <input
          id="namespace-filter"
          list="namespace-suggestions"
          value={draft}
          placeholder="all namespaces"
          onChange={(event) => setDraft(event.target.value)}
          onBlur={() => apply()}
          className={FIELD_CLASS}
          autoComplete="off"
          spellCheck={false}
        />
        {namespace && (
          <button
            type="button"
            onClick={() => onChange(null)}
            aria-label="Show all namespaces"
            className="h-9 shrink-0 rounded-md border border-slate-300 px-2.5 text-sm font-normal text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-500 dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-800"
          >
            All
          </button>
        )}
      </div>
      <datalist id="namespace-suggestions">
        {known.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </form>
  );
}
