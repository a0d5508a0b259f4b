/**
 * The simulator's one source of time. The kubelet's back-off, the event recorder's timestamps, the controllers'
 * deadlines and the CronJob schedule all read it, so a test can drive them with a `ManualClock` and assert
 * exact durations instead of racing real timers on a loaded machine.
 */
export interface Clock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  /** Runs `callback` once `delayMs` have passed on this clock; it never keeps the process alive by itself. */
  setTimeout(callback: () => void, delayMs: number): ClockTimer;
  clearTimeout(timer: ClockTimer | undefined): void;
}

/** A pending callback of a `Clock`; only the clock that made it can clear it. */
export interface ClockTimer {
  readonly dueAt: number;
}

/** Wall-clock time and Node's timers, unref'd: the API server's socket is what keeps `npm run sim` running. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, delayMs) {
    const delay = Math.max(0, delayMs);
    const handle = setTimeout(callback, delay);
    handle.unref();
    const timer: RealTimer = { dueAt: Date.now() + delay, handle };
    return timer;
  },
  clearTimeout(timer) {
    if (timer) clearTimeout((timer as RealTimer).handle);
  },
};

interface RealTimer extends ClockTimer {
  handle: NodeJS.Timeout;
}

interface ManualTimer extends ClockTimer {
  readonly callback: () => void;
  readonly order: number;
}

/**
 * Time that moves only when told to. `advance` runs every timer that falls due on the way, in due order (ties
 * in the order they were set), each seeing `now()` at its own due time, as a real clock would have shown it.
 */
export class ManualClock implements Clock {
  private current: number;
  private readonly timers = new Set<ManualTimer>();
  private created = 0;

  constructor(start: number = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): ClockTimer {
    // Whole milliseconds, rounded up: `now()` stays an integer as `Date.now()` is, and no timer fires early.
    const timer: ManualTimer = { dueAt: this.current + Math.max(0, Math.ceil(delayMs)), callback, order: this.created++ };
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(timer: ClockTimer | undefined): void {
    if (timer) this.timers.delete(timer as ManualTimer);
  }

  /** How many timers wait to fire. */
  pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms` (whole milliseconds), firing the timers due by then. */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  /** Jumps to the earliest pending timer and fires it (with any others due at the same instant); false when none waits. */
  advanceToNextTimer(): boolean {
    const next = this.nextDue();
    if (!next) return false;
    this.advanceTo(next.dueAt);
    return true;
  }

  private advanceTo(until: number): void {
    for (let next = this.nextDue(); next && next.dueAt <= until; next = this.nextDue()) this.fire(next);
    this.current = Math.max(this.current, until);
  }

  private fire(timer: ManualTimer): void {
    this.timers.delete(timer);
    this.current = Math.max(this.current, timer.dueAt);
    timer.callback();
  }

  private nextDue(): ManualTimer | undefined {
    let earliest: ManualTimer | undefined;
    for (const timer of this.timers) {
      if (!earliest || timer.dueAt < earliest.dueAt || (timer.dueAt === earliest.dueAt && timer.order < earliest.order)) earliest = timer;
    }
    return earliest;
  }
}
