import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CronError, nextCronTime, parseCron, type CronSchedule } from './cron';

const at = (iso: string) => new Date(iso);

describe('nextCronTime', () => {
  const cases: [string, string, string][] = [
    ['*/15 * * * *', '2026-03-10T10:07:30Z', '2026-03-10T10:15:00.000Z'],
    ['*/15 * * * *', '2026-03-10T10:45:00Z', '2026-03-10T11:00:00.000Z'],
    ['0 2 * * *', '2026-03-10T02:00:00Z', '2026-03-11T02:00:00.000Z'],
    ['0 0 1 1 *', '2026-03-10T00:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['@hourly', '2026-03-10T10:59:59Z', '2026-03-10T11:00:00.000Z'],
    ['@weekly', '2026-03-10T00:00:00Z', '2026-03-15T00:00:00.000Z'],
    ['0 9 * * mon-fri', '2026-03-13T09:00:00Z', '2026-03-16T09:00:00.000Z'],
    ['30 8 * jan,jul *', '2026-03-10T00:00:00Z', '2026-07-01T08:30:00.000Z'],
    ['5-10/5 * * * *', '2026-03-10T10:06:00Z', '2026-03-10T10:10:00.000Z'],
    ['0 0 * * 7', '2026-03-10T00:00:00Z', '2026-03-15T00:00:00.000Z'],
    // Both day fields restricted: either one matches (13 March 2026 is a Friday, the 13th is next in April).
    ['0 0 13 * 5', '2026-03-13T00:00:00Z', '2026-03-20T00:00:00.000Z'],
    ['0 0 29 2 *', '2026-03-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
  ];
  for (const [schedule, after, expected] of cases) {
    it(`${schedule} after ${after} → ${expected}`, () => expect(nextCronTime(parseCron(schedule), at(after))?.toISOString()).toBe(expected));
  }

  const invalid = ['60 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '* * *', 'a * * * *', '*/0 * * * *', '5-1 * * * *'];
  for (const schedule of invalid) it(`rejects "${schedule}"`, () => expect(() => parseCron(schedule)).toThrow(CronError));
});

function matches(schedule: CronSchedule, time: Date): boolean {
  const byMonthDay = schedule.daysOfMonth.has(time.getUTCDate());
  const byWeekday = schedule.daysOfWeek.has(time.getUTCDay());
  const day = schedule.dayOfMonthRestricted && schedule.dayOfWeekRestricted ? byMonthDay || byWeekday : byMonthDay && byWeekday;
  return (
    time.getUTCSeconds() === 0 &&
    schedule.minutes.has(time.getUTCMinutes()) &&
    schedule.hours.has(time.getUTCHours()) &&
    schedule.months.has(time.getUTCMonth() + 1) &&
    day
  );
}

const field = (min: number, max: number) =>
  fc.oneof(
    fc.constant('*'),
    fc.integer({ min, max }).map(String),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.integer({ min: 1, max: Math.max(1, max - min) }).map((step) => `*/${step}`),
    fc.uniqueArray(fc.integer({ min, max }), { minLength: 1, maxLength: 4 }).map((values) => values.join(',')),
  );
const instant = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }).map((ms) => new Date(ms));

describe('nextCronTime properties', () => {
  it('finds the first matching minute after the given time (minutes and hours only, checked minute by minute)', () => {
    fc.assert(
      fc.property(field(0, 59), field(0, 23), instant, (minute, hour, after) => {
        const schedule = parseCron(`${minute} ${hour} * * *`);
        const next = nextCronTime(schedule, after);
        if (!next) return false;
        const firstCandidate = Math.floor(after.getTime() / 60_000) * 60_000 + 60_000;
        for (let t = firstCandidate; t < next.getTime(); t += 60_000) if (matches(schedule, new Date(t))) return false;
        return next.getTime() > after.getTime() && matches(schedule, next);
      }),
      { numRuns: 150 },
    );
  });

  it('always lands on a matching minute later than the given time', () => {
    fc.assert(
      fc.property(field(0, 59), field(0, 23), field(1, 28), field(1, 12), field(0, 6), instant, (minute, hour, dom, month, dow, after) => {
        const schedule = parseCron(`${minute} ${hour} ${dom} ${month} ${dow}`);
        const next = nextCronTime(schedule, after);
        return next !== null && next.getTime() > after.getTime() && matches(schedule, next);
      }),
      { numRuns: 300 },
    );
  });
});
