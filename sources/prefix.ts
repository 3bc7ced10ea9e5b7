/**
 * Key prefixes of sources and targets. A prefix names a folder: it is
 * normalized like a store prefix (no leading `/`, a trailing `/` unless
 * empty) and may never climb out of itself with `.` or `..` segments.
 */
import { InvalidObjectKeyError } from '../vault/storage/errors.js';
import { normalizePrefix } from '../vault/storage/s3-store.js';
import { InvalidSourceConfigError } from './errors.js';

/**
 * The normalized form of `prefix` (`''` or ending in `/`).
 * @throws InvalidSourceConfigError for `..`, `.`, empty segments, backslashes or NULs
 * @example safePrefix('/exports/2024/') // 'exports/2024/'
 * @example safePrefix('a/../b') // throws
 */
export function safePrefix(prefix: string): string {
  try {
    return normalizePrefix(prefix);
  } catch (error) {
    if (error instanceof InvalidObjectKeyError) {
      throw new InvalidSourceConfigError(`invalid prefix ${JSON.stringify(prefix)}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * True when a key relative to a prefix stays inside it once joined: no
 * leading `/` and no `.` or `..` segment (some clients resolve those).
 */
export function staysInsidePrefix(relativeKey: string): boolean {
  return relativeKey !== '' && !relativeKey.startsWith('/') && !relativeKey.split('/').some((s) => s === '.' || s === '..');
}
