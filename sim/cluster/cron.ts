/**
 * Standard five-field cron schedules as the CronJob controller reads them (robfig/cron's standard parser):
 * minute, hour, day of month, month, day of week; `*`, lists, ranges, steps, month and weekday names, `?`, and
 * the `@hourly`-style macros. When both day fields are restricted, a day matching either one runs, as in Vixie
 * cron. Times are UTC.
 */
export interface CronSchedule {
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  dayOfMonthRestricted: boolean;
  dayOfWeekRestricted: boolean;
}

export class CronError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronError';
  }
}

export function parseCron(expression: string): CronSchedule {
  const trimmed = expression.trim();
  const expanded = MACROS[trimmed] ?? trimmed;
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5) throw new CronError(`expected exactly 5 fields, found ${fields.length}: ${expression}`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  const daysOfWeek = parseField(dayOfWeek, 0, 7, WEEKDAYS);
  if (daysOfWeek.delete(7)) daysOfWeek.add(0);
  return {
    minutes: parseField(minute, 0, 59),
    hours: parseField(hour, 0, 23),
    daysOfMonth: parseField(dayOfMonth, 1, 31),
    months: parseField(month, 1, 12, MONTHS),
    daysOfWeek,
    dayOfMonthRestricted: !isWildcard(dayOfMonth),
    dayOfWeekRestricted: !isWildcard(dayOfWeek),
  };
}

/** The first scheduled minute strictly after `after`, searched up to five years ahead. */
export function nextCronTime(schedule: CronSchedule, after: Date): Date | null {
  const candidate = new Date(after.getTime());
  candidate.setUTCSeconds(0, 0);
  candidate.setUTCMinutes(candidate.getUTCMinutes() + 1);
  const limit = after.getTime() + 5 * 366 * 24 * 60 * 60 * 1000;
  while (candidate.getTime() <= limit) {
    if (!schedule.months.has(candidate.getUTCMonth() + 1)) {
      candidate.setUTCMonth(candidate.getUTCMonth() + 1, 1);
      candidate.setUTCHours(0, 0);
      continue;
    }
    if (!dayMatches(schedule, candidate)) {
      candidate.setUTCDate(candidate.getUTCDate() + 1);
      candidate.setUTCHours(0, 0);
      continue;
    }
    if (!schedule.hours.has(candidate.getUTCHours())) {
      candidate.setUTCHours(candidate.getUTCHours() + 1, 0);
      continue;
    }
    if (!schedule.minutes.has(candidate.getUTCMinutes())) {
      candidate.setUTCMinutes(candidate.getUTCMinutes() + 1);
      continue;
    }
    return candidate;
  }
  return null;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function dayMatches(schedule: CronSchedule, at: Date): boolean {
  const byMonthDay = schedule.daysOfMonth.has(at.getUTCDate());
  const byWeekday = schedule.daysOfWeek.has(at.getUTCDay());
  if (schedule.dayOfMonthRestricted && schedule.dayOfWeekRestricted) return byMonthDay || byWeekday;
  return byMonthDay && byWeekday;
}

function isWildcard(field: string): boolean {
  return field === '*' || field === '?';
}

function parseField(field: string, min: number, max: number, names: string[] = []): Set<number> {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : parseNumber(stepText, names, 0);
    if (step < 1) throw new CronError(`step must be positive: ${part}`);
    let low: number;
    let high: number;
    if (range === '*' || range === '?') {
      low = min;
      high = max;
    } else if (range.includes('-')) {
      const [from = '', to = ''] = range.split('-');
      low = parseNumber(from, names, min);
      high = parseNumber(to, names, min);
    } else {
      low = parseNumber(range, names, min);
      high = stepText === undefined ? low : max;
    }
    if (low < min || high > max || low > high) throw new CronError(`value out of range [${min}, ${max}]: ${part}`);
    for (let value = low; value <= high; value += step) values.add(value);
  }
  return values;
}

function parseNumber(text: string, names: string[], offset: number): number {
  const named = names.indexOf(text.toLowerCase());
  if (named >= 0) return named + offset;
  if (!/^\d+$/.test(text)) throw new CronError(`failed to parse int from ${text}`);
  return Number(text);
}
