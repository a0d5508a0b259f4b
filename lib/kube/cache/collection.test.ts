import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  collectDroppedCache,
  compactingCollection,
  QUIET_COLLECTION_MS,
  QUIET_GROWTH_BYTES,
  QUIET_UTILIZATION,
  QuietCollection,
  type Collector,
} from './collection';

describe('collectDroppedCache', () => {
  it('collects at once, and compacts only in the later collection', () => {
    const calls: string[] = [];
    const collector: Collector = { gc: () => calls.push('gc'), setFlags: (flags) => calls.push(flags) };
    let scheduled: { run: () => void; ms: number } | null = null;
    collectDroppedCache(collector, (run, ms) => {
      scheduled = { run, ms };
    });
    expect(calls).toEqual(['gc']);
    expect(scheduled).toMatchObject({ ms: QUIET_COLLECTION_MS });
    scheduled!.run();
    expect(calls).toEqual(['gc', '--compact-on-every-full-gc', 'gc', '--no-compact-on-every-full-gc']);
  });

  it('does nothing without an exposed collector', () => {
    expect(() => collectDroppedCache(null)).not.toThrow();
  });

  it('gives V8 its own choice back when the collection throws', () => {
    const flags: string[] = [];
    const collector: Collector = {
      gc: () => {
        throw new Error('collector failed');
      },
      setFlags: (text) => flags.push(text),
    };
    expect(() => compactingCollection(collector)).toThrow('collector failed');
    expect(flags.at(-1)).toBe('--no-compact-on-every-full-gc');
  });
});

describe('QuietCollection', () => {
  const MB = 1_048_576;
  const BUSY = 0.4;
  const QUIET = QUIET_UTILIZATION / 2;

  /** A heap whose committed size the test sets, and a collector that shrinks it to `after` and counts itself. */
  function server(start: number) {
    const state = { size: start, after: start, collections: 0 };
    const collector: Collector = {
      gc: () => {
        state.collections += 1;
        state.size = state.after;
      },
      setFlags: () => undefined,
    };
    return { state, quiet: new QuietCollection(collector, () => state.size) };
  }

  it('collects once the server is quiet after a spell of work that grew the heap, and once only', () => {
    const { state, quiet } = server(100 * MB);
    state.size = 100 * MB + QUIET_GROWTH_BYTES + MB;
    state.after = 110 * MB;
    expect(quiet.check(BUSY)).toBe(false);
    expect(quiet.check(BUSY)).toBe(false);
    expect(quiet.check(QUIET)).toBe(true);
    expect(state.collections).toBe(1);
    state.size = 200 * MB;
    expect(quiet.check(QUIET)).toBe(false);
    expect(state.collections).toBe(1);
  });

  it('counts growth from where the last collection left the heap', () => {
    const { state, quiet } = server(100 * MB);
    state.size = 200 * MB;
    state.after = 120 * MB;
    quiet.check(BUSY);
    quiet.check(QUIET);
    state.size = 120 * MB + QUIET_GROWTH_BYTES - MB;
    quiet.check(BUSY);
    expect(quiet.check(QUIET)).toBe(false);
    state.size = 120 * MB + QUIET_GROWTH_BYTES + MB;
    quiet.check(BUSY);
    expect(quiet.check(QUIET)).toBe(true);
    expect(state.collections).toBe(2);
  });

  it('leaves a heap alone that did not grow enough, or that V8 gave back by itself', () => {
    const { state, quiet } = server(100 * MB);
    state.size = 100 * MB + QUIET_GROWTH_BYTES - MB;
    quiet.check(BUSY);
    expect(quiet.check(QUIET)).toBe(false);
    state.size = 60 * MB;
    quiet.check(BUSY);
    state.size = 60 * MB + QUIET_GROWTH_BYTES - MB;
    quiet.check(BUSY);
    expect(quiet.check(QUIET)).toBe(false);
    expect(state.collections).toBe(0);
  });

  it('never collects a server that is never quiet, nor one that was never busy', () => {
    const busy = server(100 * MB);
    busy.state.size = 300 * MB;
    for (let check = 0; check < 10; check += 1) busy.quiet.check(BUSY);
    expect(busy.state.collections).toBe(0);
    const idle = server(100 * MB);
    idle.state.size = 300 * MB;
    for (let check = 0; check < 10; check += 1) idle.quiet.check(QUIET);
    expect(idle.state.collections).toBe(0);
  });
});

describe('compactingCollection, in this V8', () => {
  // V8's own collector, as --expose-gc would give the server.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const collector: Collector = { gc, setFlags: setFlagsFromString };

  it('empties the pages a plain collection leaves half used, and leaves later collections plain', () => {
    const plain = unusedOldSpaceAfter(gc, gc);
    const compacted = unusedOldSpaceAfter(gc, () => compactingCollection(collector));
    const plainAgain = unusedOldSpaceAfter(gc, gc);
    expect(plain).toBeGreaterThan(20);
    expect(compacted).toBeLessThan(8);
    expect(plainAgain).toBeGreaterThan(20);
  });
});

/**
 * Megabytes of old space left unused by `collect` when a million small objects were promoted to the old generation
 * and every other one then dropped.
 */
function unusedOldSpaceAfter(gc: () => void, collect: () => void): number {
  const all = Array.from({ length: 1_000_000 }, (_, index) => ({ index, text: `x${index}` }));
  gc();
  gc();
  const survivors = all.filter((_, index) => index % 2 === 0);
  all.length = 0;
  collect();
  const old = getHeapSpaceStatistics().find((space) => space.space_name === 'old_space');
  if (!old) throw new Error('V8 reports no old space');
  // The survivors are read after the measure, so they are alive during it.
  return survivors.length > 0 ? (old.space_size - old.space_used_size) / 1_048_576 : 0;
}
