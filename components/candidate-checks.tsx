import type { CandidateCheck, Verification } from '@/lib/api/types';
import { checkWords } from '@/lib/fix-evidence';
import { RecheckButton } from './recheck-button';

/** Which verdict the page shows: verified by the registry's answers, partly, or the host match alone. */
export function VerificationNote({ verification }: { verification: Verification | null }) {
  if (verification === null) return null;
  const words = {
    verified: 'Verified against the registry',
    partial: 'Partly verified: some credentials could not be tested',
    'not-tested': 'Not verified: from the secrets’ registry keys alone',
  }[verification.state];
  return (
    <span data-verification={verification.state} title={verification.checkedAt ?? undefined} className="ml-2 text-xs text-slate-500 dark:text-slate-400">
      {words}
    </span>
  );
}

/** Every credential in reach of the image and what the registry said to it, can-pull first. No password. */
export function CandidateChecks({ candidates, container }: { candidates: CandidateCheck[]; container: string }) {
  if (candidates.length === 0) return null;
  return (
    <section aria-label="Credentials tested" className="mt-3">
      <h4 className="text-sm font-semibold">Credentials in reach, tested against the registry</h4>
      <ul className="mt-1 flex flex-col gap-1 text-sm">
        {candidates.map((candidate) => (
          <li key={`${candidate.namespace}/${candidate.secret}/${candidate.server ?? ''}`} data-secret={candidate.secret} data-check={candidate.check.result}>
            <span className="font-mono">{candidate.namespace}/{candidate.secret}</span>
            {candidate.username ? ` (${candidate.username}${candidate.server ? ` @ ${candidate.server}` : ''})` : ''}
            {' — '}
            <span className="font-medium">{checkWords(candidate.check)}</span>
            {candidate.check.result !== 'not-tested' || candidate.username ? <RecheckButton container={container} secretNamespace={candidate.namespace} secret={candidate.secret} /> : null}
            <span className="block text-xs text-slate-500 dark:text-slate-400">{candidate.check.message}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
