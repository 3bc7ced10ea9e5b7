/**
 * Wall clocks in IANA time zones, with nothing but `Intl`: checking a zone
 * name, reading the wall clock at an instant, and finding the instants a
 * wall-clock time maps to (none in a spring-forward gap, two in a
 * fall-back overlap).
 */
import { ScheduleError } from './errors.js';

/** A wall-clock time: calendar fields without a zone (month 1–12). */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
// IANA names (`Area/Location`, `UTC`, `EST5EDT`); Intl also takes offsets (`+05:00`), which Scheduler does not.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;
const HOUR_MS = 3_600_000;

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The canonical spelling of an IANA time zone name (`america/toronto` →
 * `America/Toronto`).
 *
 * @param timeZone - the name to check
 * @param field - the field named in the error
 * @returns the zone as `Intl` spells it
 * @throws ScheduleError when it is not an IANA zone name
 */
export function canonicalTimeZone(timeZone: string, field = 'schedule.timezone'): string {
  if (!ZONE_NAME.test(timeZone)) throw new ScheduleError(field, `"${timeZone}" is not an IANA time zone name (e.g. America/Toronto or UTC)`);
  try {
    return formatter(timeZone).resolvedOptions().timeZone;
  } catch (error) {
    throw new ScheduleError(field, `unknown time zone "${timeZone}"`, { cause: error });
  }
}

/**
 * The wall clock in a zone at an instant.
 *
 * @param instant - milliseconds since the epoch
 * @param timeZone - a valid IANA zone
 * @returns the wall-clock fields (seconds precision)
 */
export function wallTimeAt(instant: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** A wall time as if it were UTC, in milliseconds (the arithmetic form of a wall time). */
export function wallMillis(wall: Omit<WallTime, 'second'> & { second?: number }): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0);
}

function offsetAt(instant: number, timeZone: string): number {
  const whole = instant - (((instant % 1000) + 1000) % 1000);
  return wallMillis(wallTimeAt(whole, timeZone)) - whole;
}

/**
 * Every instant at which a zone's wall clock shows `wall`, earliest first:
 * one normally, none in a spring-forward gap, two in a fall-back overlap.
 * Assumes at most one offset change within a day of `wall`, which holds
 * for every real zone.
 *
 * @param wall - the wall time as {@link wallMillis} gives it
 * @param timeZone - a valid IANA zone
 * @returns the instants (milliseconds since the epoch)
 */
export function instantsOf(wall: number, timeZone: string): number[] {
  const offsets = new Set([offsetAt(wall - 24 * HOUR_MS, timeZone), offsetAt(wall + 24 * HOUR_MS, timeZone)]);
  const instants: number[] = [];
  for (const offset of offsets) {
    const instant = wall - offset;
    if (offsetAt(instant, timeZone) === offset) instants.push(instant);
  }
  return instants.sort((a, b) => a - b);
}

/**
 * The zone's offset over a whole wall-clock day when it does not change
 * within a day either side of it (so every wall time that day maps to
 * exactly `wall - offset`), or null near an offset change.
 *
 * @param dayStart - midnight of the day as {@link wallMillis} gives it
 * @param timeZone - a valid IANA zone
 * @returns the offset in milliseconds, or null
 */
export function steadyOffset(dayStart: number, timeZone: string): number | null {
  const before = offsetAt(dayStart - 24 * HOUR_MS, timeZone);
  return before === offsetAt(dayStart + 48 * HOUR_MS, timeZone) ? before : null;
}
