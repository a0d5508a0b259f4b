import { VERDICTS, type VerdictCode, type VerdictFamily } from '@/lib/verdicts';

const FAMILY_STYLES: Record<VerdictFamily, string> = {
  credentials: 'bg-amber-50 text-amber-900 ring-amber-300 dark:bg-amber-950/50 dark:text-amber-200 dark:ring-amber-800',
  missing: 'bg-rose-50 text-rose-900 ring-rose-300 dark:bg-rose-950/50 dark:text-rose-200 dark:ring-rose-800',
  network: 'bg-violet-50 text-violet-900 ring-violet-300 dark:bg-violet-950/50 dark:text-violet-200 dark:ring-violet-800',
  policy: 'bg-slate-100 text-slate-800 ring-slate-300 dark:bg-slate-800 dark:text-slate-200 dark:ring-slate-600',
  unknown: 'bg-white text-slate-700 ring-slate-300 dark:bg-slate-900 dark:text-slate-300 dark:ring-slate-700',
};

/** A glyph per family so the badge does not rely on colour alone. */
const FAMILY_MARKS: Record<VerdictFamily, string> = {
  credentials: '◆',
  missing: '∅',
  network: '⇄',
  policy: '⊘',
  unknown: '?',
};

export function VerdictBadge({ code, title, size = 'sm' }: { code: VerdictCode; title: string; size?: 'sm' | 'lg' }) {
  const family = VERDICTS[code].family;
  return (
    <span
      data-verdict={code}
      className={`inline-flex max-w-full items-center gap-1.5 rounded-full [overflow-wrap:anywhere] font-medium ring-1 ring-inset ${FAMILY_STYLES[family]} ${
        size === 'lg' ? 'px-3 py-1 text-sm' : 'px-2 py-0.5 text-xs'
      }`}
    >
      <span aria-hidden="true">{FAMILY_MARKS[family]}</span>
      {title}
    </span>
  );
}

export function verdictFamilyDot(code: VerdictCode): string {
  return {
    credentials: 'bg-amber-500',
    missing: 'bg-rose-500',
    network: 'bg-violet-500',
    policy: 'bg-slate-500',
    unknown: 'bg-slate-300 dark:bg-slate-600',
  }[VERDICTS[code].family];
}
