import type { PullSecretState } from '@/lib/api/types';
import { summarizeSecretState, type SecretStateTone } from '@/lib/overview';

const TONES: Record<SecretStateTone, string> = {
  ok: 'text-emerald-800 dark:text-emerald-300',
  warn: 'text-amber-800 dark:text-amber-300',
  bad: 'text-rose-800 dark:text-rose-300',
  muted: 'text-slate-500 dark:text-slate-400',
};

const MARKS: Record<SecretStateTone, string> = { ok: '✓', warn: '!', bad: '✕', muted: '–' };

export function SecretStateCell({ state }: { state: PullSecretState }) {
  const summary = summarizeSecretState(state);
  return (
    <span className={`inline-flex items-start gap-1.5 text-xs ${TONES[summary.tone]}`}>
      <span aria-hidden="true" className="font-bold">
        {MARKS[summary.tone]}
      </span>
      <span className="break-words">{summary.label}</span>
    </span>
  );
}
