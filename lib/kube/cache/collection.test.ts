import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { collectDroppedCache, compactingCollection, QUIET_COLLECTION_MS, type Collector } from './collection';

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
