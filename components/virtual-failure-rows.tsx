'use client';

import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useMemo, useRef, useState, type Ref } from 'react';
import type { WorkloadFailures } from '@/lib/overview';
import { WorkloadGroup } from './workload-group';

/** A first guess of a row's height; each mounted row is measured. */
const ESTIMATED_ROW_PX = 120;
const OVERSCAN_ROWS = 6;

/**
 * The table's rows, only those near the viewport mounted, with spacers above and below that keep the page's
 * height. Each group in view keeps its own `<tbody>` with the workload cell on its first mounted row.
 */
export function VirtualFailureRows({ context, groups, rowCount, columns }: { context: string; groups: WorkloadFailures[]; rowCount: number; columns: number }) {
  const top = useRef<HTMLTableSectionElement>(null);
  const [scrollMargin, setScrollMargin] = useState(0);
  // Where the rows start on the page moves when anything above them grows (incidents, warnings).
  useLayoutEffect(() => {
    const measure = () => {
      const element = top.current;
      if (element) setScrollMargin(Math.round(element.getBoundingClientRect().top + window.scrollY));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, []);
  const virtualizer = useWindowVirtualizer<HTMLTableRowElement>({
    count: rowCount,
    estimateSize: () => ESTIMATED_ROW_PX,
    overscan: OVERSCAN_ROWS,
    scrollMargin,
  });
  const starts = useMemo(() => groupStarts(groups), [groups]);
  const items = virtualizer.getVirtualItems();
  const first = items[0];
  const last = items.at(-1);
  const before = first ? first.start - scrollMargin : 0;
  const after = last ? virtualizer.getTotalSize() - (last.end - scrollMargin) : virtualizer.getTotalSize();

  return (
    <>
      <Spacer ref={top} height={before} columns={columns} />
      {first && last && visibleGroups(starts, groups, first.index, last.index + 1).map(({ group, from, to, index }) => (
        <WorkloadGroup key={group.key} context={context} group={group} from={from} to={to} index={index} measure={virtualizer.measureElement} />
      ))}
      <Spacer height={after} columns={columns} />
    </>
  );
}

function Spacer({ ref, height, columns }: { ref?: Ref<HTMLTableSectionElement>; height: number; columns: number }) {
  return (
    <tbody ref={ref} aria-hidden="true">
      <tr>
        <td colSpan={columns} style={{ height: Math.max(0, height), padding: 0 }} />
      </tr>
    </tbody>
  );
}

/** Where each group's first row sits in the flat list of rows. */
function groupStarts(groups: WorkloadFailures[]): number[] {
  const starts: number[] = [];
  let row = 0;
  for (const group of groups) {
    starts.push(row);
    row += group.failures.length;
  }
  return starts;
}

/** The groups that rows [from, to) fall in, each with its own slice of rows. */
function visibleGroups(starts: number[], groups: WorkloadFailures[], from: number, to: number) {
  const slices: { group: WorkloadFailures; from: number; to: number; index: number }[] = [];
  let g = Math.max(0, upperBound(starts, from) - 1);
  for (; g < groups.length && (starts[g] ?? 0) < to; g++) {
    const group = groups[g]!;
    const start = starts[g]!;
    const first = Math.max(from, start);
    const end = Math.min(to, start + group.failures.length);
    if (first < end) slices.push({ group, from: first - start, to: end - start, index: first });
  }
  return slices;
}

/** The first index whose value is greater than `value` (binary search over ascending `values`). */
function upperBound(values: number[], value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (values[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
