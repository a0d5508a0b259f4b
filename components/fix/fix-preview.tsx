import type { FixResponse } from '@/lib/fix-plan';
import { SecretDiffView } from './secret-diff-view';

/** Each planned step with its YAML (credentials masked) and what the cluster's dry run said; a merge's diff first. */
export function FixPreview({ response }: { response: FixResponse }) {
  return (
    <>
      {response.secretChange && <SecretDiffView change={response.secretChange} />}
      <section aria-label="Preview" className="flex flex-col gap-3">
        <h3 className="text-sm font-semibold">Preview: server-side dry run of every step</h3>
        <ol className="flex flex-col gap-3">
          {response.steps.map((step, index) => (
            <li key={`${step.kind}-${index}`} className="rounded-md border border-slate-200 p-3 dark:border-slate-700" data-step={step.kind}>
              <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
                <span className="font-medium">
                  {index + 1}. {step.title}
                </span>
                {step.dryRun && (
                  <span className={step.dryRun.ok ? 'text-emerald-700 dark:text-emerald-400' : 'text-red-700 dark:text-red-400'}>
                    {step.dryRun.ok ? 'dry run passed' : 'dry run failed'}: {step.dryRun.message}
                  </span>
                )}
                {!step.dryRun && <span className="text-slate-500">not checked: an earlier step failed</span>}
              </div>
              {step.yaml && <pre className="mt-2 overflow-x-auto rounded bg-slate-100 p-2 font-mono text-xs dark:bg-slate-950">{step.yaml}</pre>}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
