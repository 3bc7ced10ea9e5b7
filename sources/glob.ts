/**
 * Glob patterns over object keys relative to a source prefix:
 *
 * - `*` matches any run of characters within one `/`-separated segment
 * - `**` as a whole segment matches zero or more segments (`**\/*.log`,
 *   `logs/**`); elsewhere it is a plain `*`
 * - `?` matches exactly one character (a code point) other than `/`
 * - `\` takes the next character literally (`\*`)
 *
 * Patterns are compiled into a matcher rather than a RegExp: a RegExp built
 * from a pattern with several stars backtracks polynomially or worse on long
 * keys (ReDoS). The matcher here backtracks only to the last star, so a match
 * costs at most O(key length × pattern length).
 */
import { InvalidSourceConfigError } from './errors.js';

/** Longest pattern accepted, in characters (S3 keys are at most 1024 bytes). */
export const MAX_GLOB_LENGTH = 1024;

const GLOBSTAR = Symbol('globstar');
/** One element of a compiled segment: a literal code point, `?` or `*`. */
type Token = { literal: string } | { any: true } | { star: true };
type Segment = Token[] | typeof GLOBSTAR;

/** A compiled glob. */
export interface GlobMatcher {
  readonly pattern: string;
  /** True when `key` (relative to the prefix) matches the whole pattern. */
  matches(key: string): boolean;
}

function invalid(pattern: string, reason: string): InvalidSourceConfigError {
  return new InvalidSourceConfigError(`invalid glob ${JSON.stringify(pattern)}: ${reason}`);
}

function compileSegment(pattern: string, text: string): Segment {
  if (text === '**') return GLOBSTAR;
  const tokens: Token[] = [];
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '\\') {
      const next = chars[++i];
      if (next === undefined) throw invalid(pattern, 'ends with an escape character');
      tokens.push({ literal: next });
    } else if (c === '*') {
      const last = tokens[tokens.length - 1];
      if (!(last && 'star' in last)) tokens.push({ star: true });
    } else if (c === '?') tokens.push({ any: true });
    else tokens.push({ literal: c });
  }
  return tokens;
}

function tokenMatches(token: Token, char: string): boolean {
  return 'any' in token || ('literal' in token && token.literal === char);
}

/** Wildcard match of one key segment; backtracks only to the last `*`. */
function segmentMatches(tokens: Token[], text: string): boolean {
  const chars = [...text];
  let t = 0;
  let c = 0;
  let starT = -1;
  let starC = 0;
  while (c < chars.length) {
    const token = tokens[t];
    if (token && 'star' in token) {
      starT = t++;
      starC = c;
    } else if (token && tokenMatches(token, chars[c] as string)) {
      t++;
      c++;
    } else if (starT >= 0) {
      t = starT + 1;
      c = ++starC;
    } else return false;
  }
  while (t < tokens.length && 'star' in (tokens[t] as Token)) t++;
  return t === tokens.length;
}

/** The same algorithm one level up: `**` matches any run of whole segments. */
function pathMatches(segments: Segment[], parts: string[]): boolean {
  let s = 0;
  let p = 0;
  let starS = -1;
  let starP = 0;
  while (p < parts.length) {
    const segment = segments[s];
    if (segment === GLOBSTAR) {
      starS = s++;
      starP = p;
    } else if (segment && segmentMatches(segment, parts[p] as string)) {
      s++;
      p++;
    } else if (starS >= 0) {
      s = starS + 1;
      p = ++starP;
    } else return false;
  }
  while (segments[s] === GLOBSTAR) s++;
  return s === segments.length;
}

/**
 * Compiles a glob.
 * @throws InvalidSourceConfigError for an empty or over-long pattern, a
 *   leading `/`, a `.` or `..` segment, a NUL, or a trailing `\`
 * @example compileGlob('**\/*.json').matches('a/b/c.json') // true
 * @example compileGlob('*.json').matches('a/c.json') // false: `*` stays in one segment
 */
export function compileGlob(pattern: string): GlobMatcher {
  if (pattern === '') throw invalid(pattern, 'empty pattern');
  if (pattern.length > MAX_GLOB_LENGTH) throw invalid(pattern, `longer than ${MAX_GLOB_LENGTH} characters`);
  if (pattern.startsWith('/')) throw invalid(pattern, 'patterns are relative to the prefix and may not start with "/"');
  if (pattern.includes('\0')) throw invalid(pattern, 'NUL characters are not allowed');
  const texts = pattern.split('/');
  if (texts.some((t) => t === '..' || t === '.')) throw invalid(pattern, '"." and ".." segments are not allowed');
  const segments = texts.map((text) => compileSegment(pattern, text));
  return { pattern, matches: (key) => pathMatches(segments, key.split('/')) };
}
