import type { VerdictCount } from '@/lib/overview';
import { VERDICTS, type VerdictCode } from '@/lib/verdicts';
import { verdictFamilyDot } from './verdict-badge';

/** One toggle per verdict present, with its count; pressing the active one again shows all. */
export function VerdictFilterChips({
  counts,
  total,
  active,
  onSelect,
}: {
  counts: VerdictCount[];
  total: number;
  active: VerdictCode | null;
  onSelect: (verdict: VerdictCode | null) => void;
}) {
  return (
    <div role="group" aria-label="Filter by verdict" className="-mx-4 flex gap-2 overflow-x-auto px-4 pb-1 sm:mx-0 sm:flex-wrap sm:overflow-visible sm:px-0 sm:pb-0">
      <Chip pressed={active === null} onClick={() => onSelect(null)} label="All" count={total} />
      {counts.map(({ code, count }) => (
        <Chip
          key={code}
          pressed={active === code}
          onClick={() => onSelect(active === code ? null : code)}
          label={VERDICTS[code].label}
          count={count}
          dot={verdictFamilyDot(code)}
        />
      ))}
    </div>
  );
}

function Chip({ pressed, onClick, label, count, dot }: { pressed: boolean; onClick: () => void; label: string; count: number; dot?: string }) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      onClick={onClick}
      className={`inline-flex shrink-0 items-center gap-2 whitespace-nowrap rounded-full border px-3 py-1 text-sm transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 ${
        pressed
          ? 'border-sky-600 bg-sky-600 text-white dark:border-sky-500 dark:bg-sky-500 dark:text-slate-950'
          : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800'
      }`}
    >
      {dot && <span aria-hidden="true" className={`h-2 w-2 rounded-full ${dot}`} />}
      <span>{label}</span>
      <span className={`rounded-full px-1.5 text-xs font-semibold tabular-nums ${pressed ? 'bg-white/25' : 'bg-slate-100 dark:bg-slate-800'}`}>
        {count}
      </span>
    </button>
  );
}
