import 'server-only';

import { setFlagsFromString } from 'node:v8';

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
