/**
 * Which keys (relative to a prefix) a backup or a selective restore takes:
 * a key is selected when it starts with one of `prefixes` (if any), matches
 * one of `include` (if any), and matches none of `exclude`.
 */
import { InvalidSourceConfigError } from './errors.js';
import { compileGlob } from './glob.js';
import { staysInsidePrefix } from './prefix.js';

/** A selection of keys; every part is optional and an empty selection takes every key. */
export interface KeySelection {
  /** Literal key prefixes, e.g. `reports/2024/`. */
  prefixes?: string[];
  /** Globs (see `glob.ts`); a key must match at least one. */
  include?: string[];
  /** Globs; a key matching any is left out. */
  exclude?: string[];
}

/** A compiled selection. */
export type KeyFilter = (relativeKey: string) => boolean;

/**
 * Compiles a selection into a predicate.
 * @throws InvalidSourceConfigError for an invalid glob or a prefix with `.`/`..` segments
 */
export function keyFilter(selection: KeySelection = {}): KeyFilter {
  const prefixes = selection.prefixes ?? [];
  for (const prefix of prefixes) {
    if (prefix === '' || !staysInsidePrefix(prefix)) {
      throw new InvalidSourceConfigError(`invalid key prefix ${JSON.stringify(prefix)}: must be non-empty, relative, without "." or ".." segments`);
    }
  }
  const include = (selection.include ?? []).map(compileGlob);
  const exclude = (selection.exclude ?? []).map(compileGlob);
  return (key) =>
    (prefixes.length === 0 || prefixes.some((p) => key.startsWith(p))) &&
    (include.length === 0 || include.some((g) => g.matches(key))) &&
    !exclude.some((g) => g.matches(key));
}
