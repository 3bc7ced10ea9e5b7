/**
 * Calendar arithmetic in an IANA time zone, with nothing but `Intl`: the
 * local wall-clock fields of an instant, retention buckets (local hour, day,
 * ISO week, month, year), and "n years/months/weeks/days/hours before" on the
 * local calendar (so `7d` across a DST change still means seven calendar days).
 */
import { canonicalTimeZone, wallTimeAt, type WallTime } from '../schedules/time-zone.js';
import { InvalidRetentionPolicyError } from './errors.js';

/** Local wall-clock fields (control/schedules' wall time: month 1–12). */
export type LocalTime = WallTime;

/**
 * @param timeZone - an IANA zone name
 * @throws InvalidRetentionPolicyError when the zone is unknown
 */
export function assertTimeZone(timeZone: string): void {
  try {
    canonicalTimeZone(timeZone, 'timezone');
  } catch (error) {
    throw new InvalidRetentionPolicyError(`unknown time zone '${timeZone}'`, { cause: error });
  }
}

/** The wall-clock fields of an instant in a zone. */
export function localTime(instant: Date, timeZone: string): LocalTime {
  return wallTimeAt(instant.getTime(), timeZone);
}

/** The instant a local wall-clock time names (the earlier one when a fall-back hour repeats it; a skipped time moves forward). */
export function fromLocal(local: LocalTime, timeZone: string): Date {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  // Two passes settle the offset, including on the day it changes.
  let guess = asUtc;
  for (let pass = 0; pass < 2; pass++) {
    const seen = localTime(new Date(guess), timeZone);
    const seenUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute, seen.second);
    guess += asUtc - seenUtc;
  }
  return new Date(guess);
}

/** ISO 8601 week-numbering year and week of a calendar date. */
export function isoWeek(year: number, month: number, day: number): { year: number; week: number } {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const weekYear = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 + 1) / 7);
  return { year: weekYear, week };
}

/** The periods bucket rules keep one backup of. */
export const Period = {
  Hourly: 'hourly',
  Daily: 'daily',
  Weekly: 'weekly',
  Monthly: 'monthly',
  Yearly: 'yearly',
} as const;
export type Period = (typeof Period)[keyof typeof Period];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The local period an instant falls in, as a sortable key (`2024-03-10T02`, `2024-W10`, `2024-03`…). */
export function periodKey(period: Period, instant: Date, timeZone: string): string {
  const t = localTime(instant, timeZone);
  switch (period) {
    case Period.Hourly:
      return `${t.year}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}`;
    case Period.Daily:
      return `${t.year}-${pad(t.month)}-${pad(t.day)}`;
    case Period.Weekly: {
      const w = isoWeek(t.year, t.month, t.day);
      return `${w.year}-W${pad(w.week)}`;
    }
    case Period.Monthly:
      return `${t.year}-${pad(t.month)}`;
    case Period.Yearly:
      return `${t.year}`;
  }
}

/** A calendar duration (restic's `--keep-within` units). */
export interface CalendarDuration {
  years: number;
  months: number;
  days: number;
  hours: number;
}

/**
 * Parses `1y6m`, `30d`, `2w`, `36h` (units y, m, w, d, h; each at most once).
 * @throws InvalidRetentionPolicyError for anything else
 */
export function parseDuration(text: string): CalendarDuration {
  const match = /^(?:(\d+)y)?(?:(\d+)m)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?$/.exec(text.trim());
  if (!match || text.trim() === '') throw new InvalidRetentionPolicyError(`keep_within '${text}' is not a duration like 7d, 2w, 1y6m or 36h`);
  const n = (i: number) => Number(match[i] ?? 0);
  return { years: n(1), months: n(2), days: n(4) + 7 * n(3), hours: n(5) };
}

/** Adds (or with a negative sign subtracts) a calendar duration on the zone's local calendar; hours are elapsed time. */
export function addCalendar(instant: Date, duration: CalendarDuration, timeZone: string, sign: 1 | -1 = 1): Date {
  const t = localTime(instant, timeZone);
  // Date.UTC normalizes overflowing months and days (Jan 31 + 1 month = Mar 2/3, as Go's AddDate and restic do).
  const shifted = new Date(Date.UTC(t.year + sign * duration.years, t.month - 1 + sign * duration.months, t.day + sign * duration.days));
  const local = { ...t, year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
  // Local fields carry whole seconds; the milliseconds are the same in every zone.
  return new Date(fromLocal(local, timeZone).getTime() + instant.getUTCMilliseconds() + sign * duration.hours * 3_600_000);
}
