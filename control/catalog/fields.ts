/** Checks on the shape of inputs, patches and queries. */
import { InvalidRecordError } from './errors.js';
import { assertNoSecrets } from './secrets.js';

/**
 * @param value - any object
 * @param name - a field name
 * @returns the field's value
 */
export function field(value: object, name: string): unknown {
  return (value as Record<string, unknown>)[name];
}

/**
 * Refuses a patch with fields outside the allowed ones, or with secrets.
 *
 * @param patch - the patch
 * @param allowed - the fields it may carry
 * @param what - what it patches, for the error
 * @returns the patch
 */
export function checkPatch<P extends object>(patch: P, allowed: readonly string[], what: string): P {
  const extra = Object.keys(patch).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new InvalidRecordError(`${what} cannot change ${extra.join(', ')} (may change: ${allowed.join(', ')})`);
  assertNoSecrets(patch);
  return patch;
}

/**
 * Picks the named fields of a query.
 *
 * @param query - list options
 * @param names - the fields that are filters
 * @returns name → value (undefined when absent)
 */
export function pickFilters(query: object, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, field(query, name)]));
}
