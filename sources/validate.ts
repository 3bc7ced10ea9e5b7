/** Validation shared by sources and targets; every failure is an `InvalidSourceConfigError`. */
import { z } from 'zod';
import { InvalidSourceConfigError } from './errors.js';

/**
 * `value` parsed by `parser`.
 * @param what - what the value should be, for the message (e.g. `partition range-0003: a key range spec`)
 * @throws InvalidSourceConfigError naming every problem
 */
export function parseOrThrow<T>(parser: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = parser.safeParse(value);
  if (!parsed.success) throw new InvalidSourceConfigError(`not ${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * `value` unless it is absent.
 * @throws InvalidSourceConfigError when present but not a positive safe integer
 */
export function positiveInteger(value: number | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidSourceConfigError(`${what} must be a positive integer, got ${value}`);
  return value;
}
