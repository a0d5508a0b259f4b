import type { ContainerDiagnosis } from '@/lib/api/types';
import { ImageBreakdown } from './image-breakdown';
import { CandidateChecks, VerificationNote } from './candidate-checks';
import { VerdictBadge } from './verdict-badge';
import { HubAllowance } from './registry/rate-limit-headroom';

/**
 * One container: its image taken apart, and for a failing one the verdict, what it means and the fix; a
 * rate-limited pull from Docker Hub adds the allowance Hub states for this client.
 */
export function ContainerDiagnosisCard({ container, where }: { container: ContainerDiagnosis; where: { context: string; namespace: string; pod: string } }) {
  const headingId = `container-${container.name}`;
  const hubLimited = container.verdict?.code === 'rate-limited' && container.image?.registry === 'docker.io';
  return (
    <section aria-labelledby={headingId} className="rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-5 py-3 dark:border-slate-800">
        <h2 id={headingId} className="font-semibold">
          Container <span className="font-mono">{container.name}</span>
        </h2>
        {container.containerType !== 'regular' && (
          <span className="rounded bg-indigo-100 px-1.5 py-0.5 text-xs font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-300">
            {container.containerType} container
          </span>
        )}
        <span className="ml-auto font-mono text-xs text-slate-500 dark:text-slate-400">
          {container.state}
          {container.reason ? `: ${container.reason}` : ''}
          {container.imagePullPolicy ? ` · pull ${container.imagePullPolicy}` : ''}
        </span>
      </header>
      <div className="grid grid-cols-1 gap-6 p-5 lg:grid-cols-2">
        <ImageBreakdown container={container} />
        {container.verdict ? (
          <div className="flex flex-col gap-4">
            <div>
              <h3 className="text-sm font-semibold text-slate-500 dark:text-slate-400">Verdict</h3>
              <div className="mt-2">
                <VerdictBadge code={container.verdict.code} title={container.verdict.title} size="lg" />
                <VerificationNote verification={container.verification} />
              </div>
              <p className="mt-2 text-sm leading-relaxed [overflow-wrap:anywhere]">{container.verdict.explanation}</p>
              {hubLimited && <HubAllowance {...where} container={container.name} />}
              <CandidateChecks candidates={container.candidates} container={container.name} />
              {container.verdict.partial && (
                <p className="mt-1 text-xs text-amber-800 dark:text-amber-300">Secrets could not be read: this verdict rests on what could be seen.</p>
              )}
            </div>
            <section aria-label="Fix" className="rounded-lg border-2 border-dashed border-sky-300 bg-sky-50/60 p-4 dark:border-sky-800 dark:bg-sky-950/30">
              <h3 className="text-sm font-semibold text-sky-900 dark:text-sky-200">Fix</h3>
              <p className="mt-1 text-sm leading-relaxed text-slate-800 [overflow-wrap:anywhere] dark:text-slate-200">{container.verdict.fix}</p>
            </section>
            {container.message && (
              <div>
                <h3 className="text-sm font-semibold text-slate-500 dark:text-slate-400">The kubelet says</h3>
                <p className="mt-1 rounded-md [overflow-wrap:anywhere] bg-slate-50 p-3 font-mono text-xs leading-relaxed text-slate-700 dark:bg-slate-950 dark:text-slate-300">
                  {container.message}
                </p>
              </div>
            )}
          </div>
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            <span aria-hidden="true" className="mr-1 text-emerald-600">✓</span>
            This container&apos;s image is not failing to pull.
          </p>
        )}
      </div>
    </section>
  );
}
