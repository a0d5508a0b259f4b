import { describe, expect, it } from 'vitest';
import { ManualClock, realClock } from './clock';

describe('ManualClock', () => {
  it('fires timers only when time is moved past them, in due order, each seeing its own due time', () => {
    const clock = new ManualClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 20);
    expect(clock.pending()).toBe(3);
    clock.advance(9);
    expect(fired).toEqual([]);
    clock.advance(11);
    expect(fired).toEqual(['a@1010', 'b@1020', 'c@1020']);
    expect(clock.now()).toBe(1_020);
    expect(clock.pending()).toBe(0);
  });

  it('runs a timer set by a firing timer when it falls due within the same advance', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => clock.setTimeout(() => fired.push(clock.now()), 5), 5);
    clock.advance(10);
    expect(fired).toEqual([10]);
  });

  it('jumps to the next timer, rounding delays up to whole milliseconds', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 2.2);
    expect(clock.advanceToNextTimer()).toBe(true);
    expect(fired).toEqual([3]);
    expect(clock.advanceToNextTimer()).toBe(false);
    expect(clock.now()).toBe(3);
  });

  it('forgets a cleared timer', () => {
    const clock = new ManualClock(0);
    let fired = false;
    const timer = clock.setTimeout(() => (fired = true), 1);
    clock.clearTimeout(timer);
    clock.clearTimeout(undefined);
    clock.advance(5);
    expect(fired).toBe(false);
  });
});

describe('realClock', () => {
  it('reads the wall clock and runs timers on it', async () => {
    const before = Date.now();
    expect(realClock.now()).toBeGreaterThanOrEqual(before);
    const fired = await new Promise<number>((resolve) => realClock.setTimeout(() => resolve(Date.now()), 5));
    expect(fired - before).toBeGreaterThanOrEqual(5);
  });
});
