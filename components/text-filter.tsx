'use client';

import { FIELD_CLASS } from './context-switcher';

export function TextFilter({ value, onChange }: { value: string; onChange: (q: string) => void }) {
  return (
    <label className="flex min-w-0 flex-col gap-1 text-xs font-medium text-slate-600 dark:text-slate-400">
      Filter
      <input
        type="search"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        placeholder="pod, image, workload, reason…"
        className={FIELD_CLASS}
        spellCheck={false}
      />
    </label>
  );
}
