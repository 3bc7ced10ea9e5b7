/**
 * Validation and normalisation of a job's `schedule`: a named frequency or
 * a raw Scheduler expression becomes one EventBridge Scheduler expression,
 * with a checked IANA time zone, the enabled flag and the flexible window.
 */
import type { ScheduleConfig } from '../catalog/types.js';
import { ScheduleError } from './errors.js';
import { parseExpression, type ParsedExpression } from './expression.js';
import { dayOfMonthField, dayOfWeekField, formatTime, Frequency, frequencyExpression, parseTime } from './frequency.js';
import { canonicalTimeZone } from './time-zone.js';

/** The zone of a schedule that names none. */
export const DEFAULT_TIME_ZONE = 'UTC';
/** Scheduler's largest flexible window, in minutes. */
export const MAX_FLEXIBLE_WINDOW_MINUTES = 1440;

/** A schedule checked and translated for EventBridge Scheduler. */
export interface ValidSchedule {
  /** The schedule to store: the input's fields, canonical, with defaults filled. */
  config: ScheduleConfig;
  /** The Scheduler expression: `cron(...)` or `rate(...)`. */
  expression: string;
  /** The canonical IANA zone the expression is evaluated in. */
  timezone: string;
  enabled: boolean;
  /** 0 runs at the scheduled minute; otherwise Scheduler may start up to this many minutes later. */
  flexible_window_minutes: number;
  /** The parsed expression. */
  parsed: ParsedExpression;
}

const KNOWN_FIELDS = new Set(['frequency', 'expression', 'time', 'day_of_week', 'day_of_month', 'timezone', 'enabled', 'flexible_window_minutes']);
const NAMED = new Set<string>([Frequency.Hourly, Frequency.Daily, Frequency.Weekly, Frequency.Monthly]);

function refuse(input: Record<string, unknown>, field: string, why: string): void {
  if (input[field] !== undefined) throw new ScheduleError(`schedule.${field}`, why);
}

function expressionOf(input: Record<string, unknown>, frequency: string, config: ScheduleConfig): ParsedExpression {
  if (/^\s*(cron|rate)\(/i.test(frequency)) {
    refuse(input, 'expression', 'give the expression once, in frequency or in expression');
    config.frequency = frequency.trim().toLowerCase().startsWith('cron') ? Frequency.Cron : Frequency.Rate;
    return expressionOf({ ...input, expression: frequency }, config.frequency, config);
  }
  const lower = frequency.toLowerCase();
  if (lower === Frequency.Cron || lower === Frequency.Rate) {
    for (const f of ['time', 'day_of_week', 'day_of_month']) refuse(input, f, `does not apply to a ${lower} expression; put it in the expression`);
    if (typeof input.expression !== 'string') throw new ScheduleError('schedule.expression', `a ${lower} schedule needs an expression such as ${lower === 'cron' ? 'cron(0 2 * * ? *)' : 'rate(6 hours)'}`);
    const parsed = parseExpression(input.expression);
    if (parsed.kind !== lower) throw new ScheduleError('schedule.expression', `frequency ${lower} needs a ${lower}(...) expression, got ${parsed.expression}`);
    Object.assign(config, { frequency: lower, expression: parsed.expression });
    return parsed;
  }
  if (!NAMED.has(lower)) throw new ScheduleError('schedule.frequency', `must be hourly, daily, weekly, monthly, cron or rate (or a cron(...)/rate(...) expression), got "${frequency}"`);
  refuse(input, 'expression', `does not apply to a ${lower} schedule (use frequency "cron" or "rate")`);
  if (lower !== Frequency.Weekly) refuse(input, 'day_of_week', 'applies only to a weekly schedule');
  if (lower !== Frequency.Monthly) refuse(input, 'day_of_month', 'applies only to a monthly schedule');
  const time = input.time === undefined ? { hour: 0, minute: 0 } : parseTime(input.time);
  const dow = lower === Frequency.Weekly ? dayOfWeekField(input.day_of_week ?? 'sunday') : '';
  const dom = lower === Frequency.Monthly ? dayOfMonthField(input.day_of_month ?? 1) : '';
  Object.assign(config, {
    frequency: lower,
    time: formatTime(time),
    ...(lower === Frequency.Weekly ? { day_of_week: input.day_of_week ?? 'sunday' } : {}),
    ...(lower === Frequency.Monthly ? { day_of_month: input.day_of_month ?? 1 } : {}),
  });
  return parseExpression(frequencyExpression(lower as Frequency, time, dow, dom));
}

function flexibleWindow(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_FLEXIBLE_WINDOW_MINUTES) {
    throw new ScheduleError('schedule.flexible_window_minutes', `must be a whole number of minutes 0-${MAX_FLEXIBLE_WINDOW_MINUTES} (0 is off), got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Checks a job's `schedule` and translates it for EventBridge Scheduler.
 *
 * Accepted: `frequency` hourly | daily | weekly | monthly with `time`
 * (`HH:MM`, default `00:00`; hourly uses its minute), `day_of_week` (weekly,
 * default sunday) and `day_of_month` (monthly, 1–31 or `last`, default 1);
 * or `frequency` cron | rate with `expression`, or the expression itself as
 * the frequency. `timezone` (IANA, default UTC), `enabled` (default true),
 * `flexible_window_minutes` (0–1440, default 0).
 *
 * @param input - the `schedule` object of a job (any JSON value)
 * @returns the checked schedule
 * @throws ScheduleError naming the field (`details.field`) when anything is invalid
 */
export function validateSchedule(input: unknown): ValidSchedule {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ScheduleError('schedule', 'must be an object');
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KNOWN_FIELDS.has(key)) throw new ScheduleError(`schedule.${key}`, `unknown field (known: ${[...KNOWN_FIELDS].join(', ')})`);
  }
  if (typeof record.frequency !== 'string' || record.frequency.trim() === '') throw new ScheduleError('schedule.frequency', 'is required (hourly, daily, weekly, monthly, cron or rate)');
  if (record.enabled !== undefined && typeof record.enabled !== 'boolean') throw new ScheduleError('schedule.enabled', `must be true or false, got ${JSON.stringify(record.enabled)}`);
  if (record.timezone !== undefined && typeof record.timezone !== 'string') throw new ScheduleError('schedule.timezone', 'must be an IANA time zone name');
  const timezone = canonicalTimeZone((record.timezone as string | undefined) ?? DEFAULT_TIME_ZONE);
  const enabled = (record.enabled as boolean | undefined) ?? true;
  const minutes = flexibleWindow(record.flexible_window_minutes);
  const config: ScheduleConfig = { frequency: record.frequency, enabled };
  const parsed = expressionOf(record, record.frequency, config);
  Object.assign(config, { timezone, enabled, ...(record.flexible_window_minutes !== undefined ? { flexible_window_minutes: minutes } : {}) });
  return { config, expression: parsed.expression, timezone, enabled, flexible_window_minutes: minutes, parsed };
}
