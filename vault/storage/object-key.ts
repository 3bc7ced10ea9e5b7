/**
 * Validation of object keys and list prefixes, shared by every store so a
 * vault written to one store can be copied to any other: a key is a relative
 * `/`-separated path whose segments are non-empty and never `.`, `..` or a
 * name reserved for the filesystem store's temporary files.
 */
import { InvalidObjectKeyError } from './errors.js';

/** Name prefix of the filesystem store's in-flight temporary files; no key segment may start with it. */
export const TEMP_FILE_PREFIX = '.haven-tmp-';

function checkSegments(value: string, segments: string[]): void {
  for (const segment of segments) {
    if (segment === '') throw new InvalidObjectKeyError(value, 'empty path segment');
    if (segment === '.' || segment === '..') throw new InvalidObjectKeyError(value, `"${segment}" segments are not allowed`);
    if (segment.startsWith(TEMP_FILE_PREFIX)) throw new InvalidObjectKeyError(value, `segments may not start with ${TEMP_FILE_PREFIX}`);
  }
}

function checkCharacters(value: string): void {
  if (value.startsWith('/')) throw new InvalidObjectKeyError(value, 'absolute paths are not allowed');
  if (value.includes('\\')) throw new InvalidObjectKeyError(value, 'backslashes are not allowed');
  if (value.includes('\0')) throw new InvalidObjectKeyError(value, 'NUL characters are not allowed');
}

/**
 * Throws `InvalidObjectKeyError` unless `key` is a valid object key.
 * @example assertValidKey('data/ab/abcdef') // ok
 * @example assertValidKey('../etc/passwd') // throws
 */
export function assertValidKey(key: string): void {
  if (key === '') throw new InvalidObjectKeyError(key, 'empty key');
  checkCharacters(key);
  checkSegments(key, key.split('/'));
}

/** True when `key` is a valid object key (see `assertValidKey`). */
export function isValidKey(key: string): boolean {
  try {
    assertValidKey(key);
    return true;
  } catch {
    return false;
  }
}

/**
 * Throws `InvalidObjectKeyError` unless `prefix` is a valid list prefix: `''`,
 * or the start of a valid key (it may end in `/` or mid-segment).
 */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  checkCharacters(prefix);
  const segments = prefix.split('/');
  // The last segment may be partial (`data/a`) or empty (`data/`); `..` or `.` as a whole segment is still refused.
  const last = segments.pop() ?? '';
  checkSegments(prefix, segments);
  if (last === '..') throw new InvalidObjectKeyError(prefix, '".." segments are not allowed');
  if (last.startsWith(TEMP_FILE_PREFIX)) throw new InvalidObjectKeyError(prefix, `segments may not start with ${TEMP_FILE_PREFIX}`);
}

/** Throws `RangeError` unless `range` is a valid byte range (`0 <= start <= end`, integers). */
export function assertValidRange(range: { start: number; end: number }): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`invalid byte range [${start}, ${end})`);
  }
}
