/**
 * One plain field of an EventBridge cron expression: values, names,
 * ranges (low to high), `/` increments (not in day-of-week) and lists,
 * expanded to the set of values it matches.
 */
import { ScheduleError } from './errors.js';

/** The bounds and names of a cron field. */
export interface FieldSpec {
  /** The field's name in errors (`minutes`, `day-of-week`…). */
  name: string;
  min: number;
  max: number;
  /** Upper-case names of the values from `min` on (`JAN`…, `SUN`…). */
  names?: readonly string[];
  /** False when the field takes no `/` increments (day-of-week). */
  steps?: boolean;
}

/** The six fields of an EventBridge cron expression, in order. */
export const CRON_FIELDS = {
  minutes: { name: 'minutes', min: 0, max: 59 },
  hours: { name: 'hours', min: 0, max: 23 },
  dayOfMonth: { name: 'day-of-month', min: 1, max: 31 },
  month: { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  dayOfWeek: { name: 'day-of-week', min: 1, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], steps: false },
  year: { name: 'year', min: 1970, max: 2199 },
} as const satisfies Record<string, FieldSpec>;

/**
 * Raises a {@link ScheduleError} about one cron field.
 *
 * @param spec - the field
 * @param text - the field's text
 * @param issue - what is wrong
 */
export function fieldError(spec: FieldSpec, text: string, issue: string): ScheduleError {
  return new ScheduleError('schedule.expression', `cron ${spec.name} field "${text}": ${issue}`);
}

/**
 * One value of a field: a number or (for months and weekdays) a name.
 *
 * @param spec - the field
 * @param token - the value's text
 * @param text - the whole field, for errors
 * @returns the value, within the field's bounds
 */
export function parseValue(spec: FieldSpec, token: string, text: string): number {
  const upper = token.toUpperCase();
  const named = spec.names?.indexOf(upper) ?? -1;
  const value = named >= 0 ? spec.min + named : /^\d+$/.test(token) ? Number(token) : NaN;
  if (Number.isNaN(value)) throw fieldError(spec, text, `"${token}" is not a value`);
  if (value < spec.min || value > spec.max) throw fieldError(spec, text, `${value} is outside ${spec.min}-${spec.max}`);
  return value;
}

function expandItem(spec: FieldSpec, item: string, text: string, into: Set<number>): void {
  const [base, stepText, extra] = item.split('/');
  if (extra !== undefined || base === '') throw fieldError(spec, text, `"${item}" is malformed`);
  let step = 1;
  if (stepText !== undefined) {
    if (spec.steps === false) throw fieldError(spec, text, 'takes no "/" increments');
    if (!/^\d+$/.test(stepText) || Number(stepText) === 0) throw fieldError(spec, text, `step "${stepText}" must be a positive integer`);
    step = Number(stepText);
  }
  let from: number;
  let to: number;
  if (base === '*') {
    [from, to] = [spec.min, spec.max];
  } else if (base!.includes('-')) {
    const [a, b, more] = base!.split('-');
    if (more !== undefined || !a || !b) throw fieldError(spec, text, `range "${base}" is malformed`);
    [from, to] = [parseValue(spec, a, text), parseValue(spec, b, text)];
    if (from > to) throw fieldError(spec, text, `range ${base} must run from low to high`);
  } else {
    from = parseValue(spec, base!, text);
    to = stepText === undefined ? from : spec.max;
  }
  for (let value = from; value <= to; value += step) into.add(value);
}

/**
 * The values a plain field (no `?`, `L`, `W` or `#`) matches.
 *
 * @param spec - the field
 * @param text - the field's text (`*`, `5`, `1-5`, `*\/15`, `MON-FRI`, `0,30`…)
 * @returns the matched values, ascending
 * @throws ScheduleError when the field is malformed or out of range
 */
export function expandField(spec: FieldSpec, text: string): number[] {
  if (text === '') throw fieldError(spec, text, 'is empty');
  const values = new Set<number>();
  for (const item of text.split(',')) expandItem(spec, item, text, values);
  return [...values].sort((a, b) => a - b);
}
