import type { ApiWarning } from '@/lib/api/types';

/** Partial results: what could not be read. The rest of the page is still right. */
export function WarningsList({ warnings }: { warnings: ApiWarning[] }) {
  if (warnings.length === 0) return null;
  return (
    <section aria-label="Warnings" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-200">
      <ul className="flex flex-col gap-1">
        {warnings.map((warning, index) => (
          <li key={`${warning.code}-${warning.namespace ?? ''}-${index}`} className="flex gap-2">
            <span aria-hidden="true">⚠</span>
            <span>{warning.message}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
