import type { ApiWarning } from '@/lib/api/types';
import { foldWarnings } from '@/lib/warnings';

/** Partial results: what could not be read, the same warning about many namespaces on one line. */
export function WarningsList({ warnings }: { warnings: ApiWarning[] }) {
  if (warnings.length === 0) return null;
  return (
    <section aria-label="Warnings" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-200">
      <ul className="flex flex-col gap-1">
        {foldWarnings(warnings).map((warning) => (
          <li key={warning.key} className="flex gap-2">
            <span aria-hidden="true">⚠</span>
            {warning.namespaces.length === 0 ? (
              <span className="min-w-0 break-words">{warning.message}</span>
            ) : (
              <details className="min-w-0">
                <summary className="cursor-pointer break-words">{warning.message}</summary>
                <p className="mt-1 break-words font-mono text-xs">{warning.namespaces.join(', ')}</p>
              </details>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
