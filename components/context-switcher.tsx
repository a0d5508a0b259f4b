'use client';

import { useQuery } from '@tanstack/react-query';
import { contextsQuery } from '@/lib/queries';

/** The switcher's value for the fleet view of every context (not a valid context name: it is blank). */
export const ALL_CONTEXTS = '';

/** Every context of the kubeconfig, and all of them at once; choosing one opens its overview. */
export function ContextSwitcher({ context, onSwitch }: { context: string; onSwitch: (context: string) => void }) {
  const contexts = useQuery(contextsQuery());
  const known = contexts.data?.contexts ?? [];
  const options = known.some((entry) => entry.name === context) ? known : [{ name: context, user: '', cluster: '' }, ...known];
  return (
    <label className="flex min-w-0 flex-col gap-1 text-xs font-medium text-slate-600 dark:text-slate-400">
      Context
      <select
        value={context}
        onChange={(event) => onSwitch(event.target.value)}
        className={FIELD_CLASS}
        aria-describedby={contexts.isError ? 'contexts-error' : undefined}
      >
        <option value={ALL_CONTEXTS}>All contexts</option>
        {options.map((entry) => (
          <option key={entry.name} value={entry.name}>
            {entry.name}
            {entry.user ? ` (${entry.user}@${entry.cluster})` : ''}
          </option>
        ))}
      </select>
      {contexts.isError && (
        <span id="contexts-error" className="font-normal text-rose-700 dark:text-rose-300">
          contexts could not be listed: {contexts.error.message}
        </span>
      )}
    </label>
  );
}

export const FIELD_CLASS =
  'h-9 w-full min-w-0 rounded-md border border-slate-300 bg-white px-2.5 text-sm font-normal text-slate-900 shadow-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-500 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100';
