/**
 * The named frequencies of a job's schedule and the cron expression each
 * becomes: `hourly` (at the minute of `time`), `daily` (at `time`),
 * `weekly` (at `time` on `day_of_week`), `monthly` (at `time` on
 * `day_of_month`, or the month's last day with `last`).
 */
import { ScheduleError } from './errors.js';

/** Frequencies a schedule may name. `cron` and `rate` take an `expression`. */
export const Frequency = {
  Hourly: 'hourly',
  Daily: 'daily',
  Weekly: 'weekly',
  Monthly: 'monthly',
  Cron: 'cron',
  Rate: 'rate',
} as const;
/** One of {@link Frequency}. */
export type Frequency = (typeof Frequency)[keyof typeof Frequency];

const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/** A time of day. */
export interface TimeOfDay {
  hour: number;
  minute: number;
}

/**
 * Parses `HH:MM` (24-hour clock, `00:00`–`23:59`).
 *
 * @param value - the field's value
 * @param field - the field named in errors
 * @returns the hour and minute
 */
export function parseTime(value: unknown, field = 'schedule.time'): TimeOfDay {
  const match = typeof value === 'string' ? /^(\d{1,2}):(\d{2})$/.exec(value) : null;
  if (!match) throw new ScheduleError(field, `must be a time "HH:MM" (24-hour clock), got ${JSON.stringify(value)}`);
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  if (hour > 23) throw new ScheduleError(field, `hour ${hour} is outside 00-23`);
  if (minute > 59) throw new ScheduleError(field, `minute ${minute} is outside 00-59`);
  return { hour, minute };
}

/** The canonical `HH:MM` of a time of day. */
export function formatTime(time: TimeOfDay): string {
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}

function weekday(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 7) return value % 7;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    const index = WEEKDAY_NAMES.findIndex((name) => name === lower || name.slice(0, 3) === lower);
    if (index >= 0) return index;
  }
  throw new ScheduleError(field, `must be a weekday name (monday, mon…) or 0-7 (0 and 7 are Sunday, 1 is Monday), got ${JSON.stringify(value)}`);
}

/**
 * Parses `day_of_week`: a weekday or a list of them, as names (`monday`,
 * `Mon`) or numbers 0–7 (0 and 7 are Sunday, 1 is Monday).
 *
 * @param value - the field's value
 * @param field - the field named in errors
 * @returns the cron day-of-week field (`MON`, `MON,FRI`)
 */
export function dayOfWeekField(value: unknown, field = 'schedule.day_of_week'): string {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new ScheduleError(field, 'must name at least one weekday');
  const days = [...new Set(list.map((v) => weekday(v, field)))].sort((a, b) => a - b);
  return days.map((d) => WEEKDAYS[d]).join(',');
}

/**
 * Parses `day_of_month`: 1–31 or `last`. A day past a month's end (31 in
 * April) skips that month, as cron does; `last` is every month's last day.
 *
 * @param value - the field's value
 * @param field - the field named in errors
 * @returns the cron day-of-month field (`15`, `L`)
 */
export function dayOfMonthField(value: unknown, field = 'schedule.day_of_month'): string {
  if (typeof value === 'string' && ['last', 'l'].includes(value.trim().toLowerCase())) return 'L';
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 31) {
    throw new ScheduleError(field, `must be a day 1-31 or "last", got ${JSON.stringify(value)}`);
  }
  return String(n);
}

/**
 * The cron expression of a named frequency.
 *
 * @param frequency - hourly, daily, weekly or monthly
 * @param time - the time of day (only its minute for hourly)
 * @param dayOfWeek - the cron day-of-week field (weekly)
 * @param dayOfMonth - the cron day-of-month field (monthly)
 * @returns `cron(min hour dom month dow year)`
 */
export function frequencyExpression(frequency: Frequency, time: TimeOfDay, dayOfWeek: string, dayOfMonth: string): string {
  switch (frequency) {
    case Frequency.Hourly:
      return `cron(${time.minute} * * * ? *)`;
    case Frequency.Daily:
      return `cron(${time.minute} ${time.hour} * * ? *)`;
    case Frequency.Weekly:
      return `cron(${time.minute} ${time.hour} ? * ${dayOfWeek} *)`;
    default:
      return `cron(${time.minute} ${time.hour} ${dayOfMonth} * ? *)`;
  }
}
