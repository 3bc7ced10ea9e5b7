/**
 * EventBridge Scheduler rate expressions: `rate(value unit)`, a positive
 * whole number of minutes, hours or days (a day is 24 hours, whatever the
 * clocks do).
 */
import { ScheduleError } from './errors.js';

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
type RateUnit = keyof typeof UNIT_MS;

/** A parsed rate expression. */
export interface RateSchedule {
  value: number;
  unit: RateUnit;
  /** The interval in milliseconds. */
  intervalMs: number;
}

/**
 * Parses the text inside `rate(...)`. Singular and plural units are both
 * accepted; {@link formatRate} writes the form Scheduler documents.
 *
 * @param body - `value unit`
 * @returns the parsed rate
 * @throws ScheduleError when the value is not a positive integer or the unit is unknown
 */
export function parseRate(body: string): RateSchedule {
  const match = /^\s*(\d+)\s+(minute|hour|day)s?\s*$/i.exec(body);
  if (!match) throw new ScheduleError('schedule.expression', `rate must be "rate(<positive integer> minutes|hours|days)", got "rate(${body})"`);
  const value = Number(match[1]);
  if (!Number.isSafeInteger(value) || value < 1) throw new ScheduleError('schedule.expression', `rate value must be a positive integer, got ${match[1]}`);
  const unit = match[2]!.toLowerCase() as RateUnit;
  return { value, unit, intervalMs: value * UNIT_MS[unit] };
}

/** The canonical text of a rate: `rate(1 hour)`, `rate(15 minutes)`. */
export function formatRate(rate: RateSchedule): string {
  return `rate(${rate.value} ${rate.unit}${rate.value === 1 ? '' : 's'})`;
}
