/**
 * EventBridge Scheduler cron expressions: `cron(minutes hours day-of-month
 * month day-of-week year)`. Exactly one of the day fields is `?`.
 * Day-of-month also takes `L` (last day), `LW` (last weekday) and `nW`
 * (the weekday nearest day n, within the month); day-of-week (1 = SUN … 7 =
 * SAT) also takes `L` (Saturday), `nL` (the month's last weekday n) and
 * `n#k` (its k-th weekday n).
 */
import { CRON_FIELDS, expandField, fieldError, parseValue } from './cron-field.js';
import { ScheduleError } from './errors.js';

/** Which days of a month a cron expression runs on. */
export type DayRule =
  | { kind: 'days'; days: ReadonlySet<number> }
  | { kind: 'lastDay' }
  | { kind: 'lastWeekday' }
  | { kind: 'nearestWeekday'; day: number }
  | { kind: 'weekdays'; weekdays: ReadonlySet<number> }
  | { kind: 'lastWeekdayOf'; weekday: number }
  | { kind: 'nthWeekdayOf'; weekday: number; nth: number };

/** A parsed cron expression. */
export interface CronSchedule {
  minutes: readonly number[];
  hours: readonly number[];
  months: ReadonlySet<number>;
  years: ReadonlySet<number>;
  day: DayRule;
}

function parseDayOfMonth(text: string): DayRule {
  const spec = CRON_FIELDS.dayOfMonth;
  const upper = text.toUpperCase();
  if (upper === 'L') return { kind: 'lastDay' };
  if (upper === 'LW') return { kind: 'lastWeekday' };
  const w = /^(\d+)W$/.exec(upper);
  if (w) return { kind: 'nearestWeekday', day: parseValue(spec, w[1]!, text) };
  if (/[LW#]/i.test(text)) throw fieldError(spec, text, 'L and W stand alone (L, LW or nW)');
  return { kind: 'days', days: new Set(expandField(spec, text)) };
}

function parseDayOfWeek(text: string): DayRule {
  const spec = CRON_FIELDS.dayOfWeek;
  const upper = text.toUpperCase();
  if (upper === 'L') return { kind: 'lastWeekdayOf', weekday: 7 };
  const last = /^(\w+)L$/.exec(upper);
  if (last && upper !== 'L') return { kind: 'lastWeekdayOf', weekday: parseValue(spec, last[1]!, text) };
  const nth = /^(\w+)#(\d+)$/.exec(upper);
  if (nth) {
    const n = Number(nth[2]);
    if (n < 1 || n > 5) throw fieldError(spec, text, `occurrence #${nth[2]} must be 1-5`);
    return { kind: 'nthWeekdayOf', weekday: parseValue(spec, nth[1]!, text), nth: n };
  }
  if (/#/.test(text) || /L$/i.test(text)) throw fieldError(spec, text, 'L and # stand alone (nL or n#k)');
  return { kind: 'weekdays', weekdays: new Set(expandField(spec, text)) };
}

/**
 * Parses the fields of a cron expression (the text inside `cron(...)`).
 *
 * @param body - six space-separated fields
 * @returns the parsed schedule
 * @throws ScheduleError when a field is malformed or both or neither day field is `?`
 */
export function parseCron(body: string): CronSchedule {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new ScheduleError('schedule.expression', `cron takes 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`);
  }
  const [minutes, hours, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    throw new ScheduleError('schedule.expression', 'exactly one of day-of-month and day-of-week must be "?" (e.g. cron(0 2 * * ? *))');
  }
  for (const [spec, text] of [
    [CRON_FIELDS.minutes, minutes],
    [CRON_FIELDS.hours, hours],
    [CRON_FIELDS.month, month],
    [CRON_FIELDS.year, year],
  ] as const) {
    if (text.includes('?')) throw fieldError(spec, text, '"?" is only for a day field');
  }
  return {
    minutes: expandField(CRON_FIELDS.minutes, minutes),
    hours: expandField(CRON_FIELDS.hours, hours),
    months: new Set(expandField(CRON_FIELDS.month, month)),
    years: new Set(expandField(CRON_FIELDS.year, year)),
    day: dom === '?' ? parseDayOfWeek(dow) : parseDayOfMonth(dom),
  };
}

/** Days in a month (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Cron weekday (1 = Sunday … 7 = Saturday) of a date. */
export function cronWeekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

function isWeekend(year: number, month: number, day: number): boolean {
  const weekday = cronWeekday(year, month, day);
  return weekday === 1 || weekday === 7;
}

function nearestWeekday(year: number, month: number, day: number, last: number): number | null {
  if (day > last) return null;
  const weekday = cronWeekday(year, month, day);
  if (weekday === 7) return day === 1 ? 3 : day - 1; // Saturday: Friday, or Monday the 3rd
  if (weekday === 1) return day === last ? day - 2 : day + 1; // Sunday: Monday, or Friday before the month ends
  return day;
}

/**
 * Whether a day rule matches a date.
 *
 * @param rule - the rule
 * @param year - the year
 * @param month - the month (1–12)
 * @param day - the day of the month
 * @returns true when the expression runs that day
 */
export function matchesDay(rule: DayRule, year: number, month: number, day: number): boolean {
  const last = daysInMonth(year, month);
  switch (rule.kind) {
    case 'days':
      return rule.days.has(day);
    case 'lastDay':
      return day === last;
    case 'lastWeekday': {
      let d = last;
      while (isWeekend(year, month, d)) d -= 1;
      return day === d;
    }
    case 'nearestWeekday':
      return nearestWeekday(year, month, rule.day, last) === day;
    case 'weekdays':
      return rule.weekdays.has(cronWeekday(year, month, day));
    case 'lastWeekdayOf':
      return cronWeekday(year, month, day) === rule.weekday && day + 7 > last;
    case 'nthWeekdayOf':
      return cronWeekday(year, month, day) === rule.weekday && Math.ceil(day / 7) === rule.nth;
  }
}
