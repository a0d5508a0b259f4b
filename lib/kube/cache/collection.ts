import 'server-only';

import { performance } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/** What a collection needs of V8: its collector (`gc`, present under --expose-gc) and its flags. */
export interface Collector {
  gc(): void;
  setFlags(flags: string): void;
}

/** After a cache is dropped, the collection that finds the server quiet. */
export const QUIET_COLLECTION_MS = 5_000;

/**
 * A dropped cache is garbage that an idle server would keep: with nothing allocating, no collection runs, and
 * each cache started and dropped again left its memory on top of the last (158, 211, 248 MB at 10,000 pods). A
 * full collection at once (about 45 ms there) frees the cache. A second one, once the server has been quiet for a
 * while, gives back the young generation (V8 shrinks it only in a collection made while little is allocated) and
 * compacts the old one: the server's own objects made while the cache lived sit on pages among the cache's, and a
 * plain collection leaves those pages a third empty (old space 57 MB holding 37 after one drop, 40 holding 38 after
 * another, so the rest after a drop was 150 or 182 MB by chance). The compaction moves about 40 MB, near 120 ms
 * once per dropped cache. Without `gc` (a server not started by scripts/serve.mjs) this does nothing.
 */
export function collectDroppedCache(
  collector: Collector | null = exposedCollector(),
  later: (run: () => void, ms: number) => void = (run, ms) => setTimeout(run, ms).unref(),
): void {
  if (!collector) return;
  collector.gc();
  later(() => compactingCollection(collector), QUIET_COLLECTION_MS);
}

/** How often the server checks whether a spell of work has ended. */
export const QUIET_CHECK_MS = 1_000;
/** The share of a check's interval the event loop may have worked for the server to count as quiet. */
export const QUIET_UTILIZATION = 0.05;
/** How far the heap must have grown since it last rested for a quiet server to give it back. */
export const QUIET_GROWTH_BYTES = 32 * 1_048_576;

/** The heap's size as V8 has it committed (`total_heap_size`). */
export type HeapSize = () => number;

/**
 * After a spell of work, the heap it grew: V8 collects the old generation only when it reaches a limit set at the
 * last collection, and Node has no collection on idle, so a server that served ten polling clients kept what they
 * left (at 10,000 pods, RSS 330 and 339 MB two seconds after twenty clients left, in two runs, and 229 in a third,
 * by where V8's own collections happened to fall). Each check is told how busy the event loop was since the last:
 * the first quiet check after a busy one, when the heap is more than QUIET_GROWTH_BYTES above where it last rested,
 * runs one compacting collection (136 ms in a run at 10,000 pods, on a server with nothing to do) and marks the
 * new rest.
 * One per quiet spell: a server that stays quiet is not collected again.
 */
export class QuietCollection {
  private busy = false;
  private rest: number;

  constructor(
    private readonly collector: Collector,
    private readonly heapSize: HeapSize,
  ) {
    this.rest = heapSize();
  }

  /** `utilization`: the share of the time since the last check the event loop worked. True when it collected. */
  check(utilization: number): boolean {
    const size = this.heapSize();
    // V8 may have given memory back by itself: growth counts from the lowest the heap was.
    this.rest = Math.min(this.rest, size);
    if (utilization >= QUIET_UTILIZATION) {
      this.busy = true;
      return false;
    }
    if (!this.busy) return false;
    this.busy = false;
    if (size - this.rest < QUIET_GROWTH_BYTES) return false;
    compactingCollection(this.collector);
    this.rest = this.heapSize();
    return true;
  }
}

/**
 * Checks for quiet every QUIET_CHECK_MS on a timer that does not keep the process alive; without `gc` (a server not
 * started by scripts/serve.mjs) nothing.
 */
export function collectWhenQuiet(collector: Collector | null = exposedCollector()): void {
  if (!collector) return;
  const quiet = new QuietCollection(collector, () => getHeapStatistics().total_heap_size);
  let last = performance.eventLoopUtilization();
  setInterval(() => {
    const now = performance.eventLoopUtilization();
    quiet.check(performance.eventLoopUtilization(now, last).utilization);
    last = now;
  }, QUIET_CHECK_MS).unref();
}

/**
 * A full collection that moves every live object off partly used pages, then V8's own choice again: Node offers
 * no memory-reducing collection, and compacting every collection would slow a busy server.
 */
export function compactingCollection(collector: Collector): void {
  collector.setFlags('--compact-on-every-full-gc');
  try {
    collector.gc();
  } finally {
    collector.setFlags('--no-compact-on-every-full-gc');
  }
}

function exposedCollector(): Collector | null {
  const { gc } = globalThis as { gc?: () => void };
  return gc ? { gc, setFlags: setFlagsFromString } : null;
}
