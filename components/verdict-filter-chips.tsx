'use client';

import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { VerdictCount } from '@/lib/overview';
import { VERDICTS, type VerdictCode } from '@/lib/verdicts';
import { verdictFamilyDot } from './verdict-badge';

const GAP_PX = 8;

/**
 * One toggle per verdict present, with its count, on one line: the chips that do not fit go into a "more"
 * menu (the pressed one always stays in view). Pressing the active chip again shows all.
 */
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
  const line = useRef<HTMLDivElement>(null);
  const ruler = useRef<HTMLDivElement>(null);
  const [fit, setFit] = useState(counts.length);
  useLayoutEffect(() => {
    const measure = () => setFit(chipsThatFit(line.current, ruler.current));
    measure();
    const observer = new ResizeObserver(measure);
    if (line.current) observer.observe(line.current);
    return () => observer.disconnect();
  }, [counts, total]);
  const shown = shownCounts(counts, fit, active);
  const rest = counts.filter((count) => !shown.includes(count));
  const toggle = (code: VerdictCode) => onSelect(active === code ? null : code);

  return (
    <div ref={line} role="group" aria-label="Filter by verdict" className="relative flex flex-wrap items-center gap-2">
      <Chip pressed={active === null} onClick={() => onSelect(null)} label="All" count={total} />
      {shown.map(({ code, count }) => (
        <Chip key={code} pressed={active === code} onClick={() => toggle(code)} label={VERDICTS[code].label} count={count} dot={verdictFamilyDot(code)} />
      ))}
      {rest.length > 0 && <MoreMenu rest={rest} active={active} onToggle={toggle} />}
      {/* Every chip laid out once, out of sight and out of reach, to measure how many fit on the line. */}
      <div aria-hidden="true" inert className="pointer-events-none invisible absolute inset-0 overflow-hidden">
        <div ref={ruler} className="flex w-max gap-2 whitespace-nowrap">
        <ChipFace pressed={false} label="All" count={total} />
        {counts.map(({ code, count }) => (
          <ChipFace key={code} pressed={false} label={VERDICTS[code].label} count={count} dot={verdictFamilyDot(code)} />
        ))}
        <ChipFace pressed={false} label={`${counts.length} more ▾`} count={null} />
        </div>
      </div>
    </div>
  );
}

function MoreMenu({ rest, active, onToggle }: { rest: VerdictCount[]; active: VerdictCode | null; onToggle: (code: VerdictCode) => void }) {
  const [open, setOpen] = useState(false);
  const menu = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: Event) => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !root.current?.contains(event.target as Node)) {
        setOpen(false);
        if (event instanceof KeyboardEvent) button.current?.focus();
      }
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  return (
    <div ref={root} className="relative shrink-0">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={menu}
        onClick={() => setOpen(!open)}
        className={chipClasses(false)}
      >
        {rest.length} more <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div id={menu} className="absolute right-0 z-20 mt-2 flex w-max max-w-[min(22rem,90vw)] flex-col items-stretch gap-1.5 rounded-lg border border-slate-200 bg-white p-2 shadow-lg dark:border-slate-700 dark:bg-slate-900">
          {rest.map(({ code, count }) => (
            <Chip
              key={code}
              pressed={active === code}
              onClick={() => {
                onToggle(code);
                setOpen(false);
              }}
              label={VERDICTS[code].label}
              count={count}
              dot={verdictFamilyDot(code)}
            />
          ))}
        </div>
      )}
    </div>
  );
}

function Chip({ pressed, onClick, label, count, dot }: { pressed: boolean; onClick: () => void; label: string; count: number; dot?: string }) {
  return (
    <button type="button" aria-pressed={pressed} onClick={onClick} className={chipClasses(pressed)}>
      <ChipContent pressed={pressed} label={label} count={count} dot={dot} />
    </button>
  );
}

function ChipFace(props: { pressed: boolean; label: string; count: number | null; dot?: string }) {
  return (
    <span className={chipClasses(props.pressed)}>
      <ChipContent {...props} />
    </span>
  );
}

function ChipContent({ pressed, label, count, dot }: { pressed: boolean; label: string; count: number | null; dot?: string }) {
  return (
    <>
      {dot && <span aria-hidden="true" className={`h-2 w-2 rounded-full ${dot}`} />}
      <span>{label}</span>
      {count !== null && (
        <span
          className={`rounded-full px-1.5 text-xs font-semibold tabular-nums ${
            pressed ? 'bg-sky-950 text-white dark:bg-slate-950 dark:text-sky-100' : 'bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100'
          }`}
        >
          {count}
        </span>
      )}
    </>
  );
}

function chipClasses(pressed: boolean): string {
  return `inline-flex shrink-0 items-center gap-2 whitespace-nowrap rounded-full border px-3 py-1 text-sm transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 ${
    pressed
      ? 'border-sky-700 bg-sky-700 text-white dark:border-sky-300 dark:bg-sky-300 dark:text-slate-950'
      : 'border-slate-300 bg-white text-slate-800 hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800'
  }`;
}

/** The verdict chips in view: the first `fit`, with the pressed one swapped in for the last when it is further on. */
function shownCounts(counts: VerdictCount[], fit: number, active: VerdictCode | null): VerdictCount[] {
  const shown = counts.slice(0, fit);
  const pressed = counts.find((count) => count.code === active);
  if (pressed && !shown.includes(pressed)) {
    if (shown.length > 0) shown.pop();
    shown.push(pressed);
  }
  return shown;
}

/** How many verdict chips fit on the line beside "All", leaving room for the "more" button when not all fit. */
function chipsThatFit(line: HTMLElement | null, ruler: HTMLElement | null): number {
  if (!line || !ruler) return 0;
  const [all, ...rest] = [...ruler.children].map((chip) => chip.getBoundingClientRect().width);
  const more = rest.pop() ?? 0;
  const room = line.clientWidth;
  let used = all ?? 0;
  if (rest.reduce((sum, width) => sum + GAP_PX + width, used) <= room) return rest.length;
  let fit = 0;
  for (const width of rest) {
    if (used + GAP_PX + width + GAP_PX + more > room) break;
    used += GAP_PX + width;
    fit += 1;
  }
  return fit;
}
