/**
 * Timestamps as the catalog stores them: `Date.toISOString()` form, fixed
 * width, so they sort as strings in keys.
 */
import { InvalidRecordError } from './errors.js';
import type { Timestamp } from './types.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** The earliest and latest timestamps a key can hold. */
export const TIME_BOUNDS = { min: '0000-01-01T00:00:00.000Z', max: '9999-12-31T23:59:59.999Z' } as const;

/**
 * Normalizes a timestamp.
 *
 * @param value - an ISO 8601 string (or anything `Date` parses)
 * @param what - the field, for the error
 * @returns the same instant as `YYYY-MM-DDTHH:mm:ss.sssZ`
 */
export function toTimestamp(value: unknown, what: string): Timestamp {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms) || ms < Date.parse(TIME_BOUNDS.min) || ms > Date.parse(TIME_BOUNDS.max)) {
    throw new InvalidRecordError(`${what} is not a timestamp: ${JSON.stringify(value)}`);
  }
  return new Date(ms).toISOString();
}

/**
 * The bounds of a date filter, inclusive. A bare date (`2024-01-31`) as the
 * upper bound means the end of that day (UTC).
 *
 * @param from - `date_from`, if any
 * @param to - `date_to`, if any
 * @returns the bounds as stored timestamps
 */
export function timeRange(from: string | undefined, to: string | undefined): { from: Timestamp; to: Timestamp } {
  const lower = from === undefined ? TIME_BOUNDS.min : toTimestamp(from, 'date_from');
  let upper = to === undefined ? TIME_BOUNDS.max : toTimestamp(to, 'date_to');
  if (to !== undefined && DATE_ONLY.test(to)) upper = new Date(Date.parse(upper) + DAY_MS - 1).toISOString();
  if (lower > upper) throw new InvalidRecordError(`date_from ${lower} is after date_to ${upper}`);
  return { from: lower, to: upper };
}

/**
 * @param from - the start
 * @param to - the end
 * @returns whole seconds between them, never negative
 */
export function secondsBetween(from: Timestamp, to: Timestamp): number {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}
