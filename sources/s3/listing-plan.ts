/**
 * Planning a large prefix in pieces (docs/S3.md, "Planning a large prefix"):
 * one call lists a key range until a key or time budget runs out, cuts what
 * it listed into partition ranges (the `RangeSplitter` rule) and says what
 * is left, split into smaller key ranges so that the next round can list
 * them side by side. The workflow runs the pieces in a Distributed Map
 * until nothing is left, then joins their ranges (`joinRanges`).
 *
 * Split points are strings, not keys: a range `(a, b]` holds every key K
 * with `a < K <= b` whether or not `a` and `b` exist, so the rest after the
 * last listed key `k` can be cut anywhere. The cut points come from `k`
 * itself: at each character position `p` up to where the piece's first and
 * last keys differ, `k[0..p) + c` for each character `c` above `k[p]` of
 * the piece's alphabet: the characters of a sample of the keys it listed
 * (code-point order is UTF-8 byte order, S3's). Keys that count up
 * (`obj/00012345`) thus split into one range per next digit at each
 * level; keys with characters outside the sample still fall in exactly one
 * range.
 */
import type { KeyRange, ListedPiece } from '../source.js';
import { compareKeys, type ListedObject } from './listing.js';
import { RangeSplitter, type RangeLimits } from './range-plan.js';

/** Split points one piece's rest is cut at, at most (the shallowest levels are kept). */
export const MAX_SPLIT_POINTS = 1000;
/** One listed key in this many adds its characters to the piece's alphabet (the first and last always do). */
const ALPHABET_SAMPLE = 64;

/** Where one piece stops listing. */
export interface PieceBudget {
  /** Objects it lists at most. */
  keys: number;
  /** Epoch milliseconds after which it stops (checked per object). */
  deadline?: number;
}

/**
 * Cut points for the rest `(last, upTo]` of a listing whose piece started at `first`.
 *
 * @param first - the piece's first listed key
 * @param last - its last listed key
 * @param upTo - the end of the piece's range (null: the end of the listing)
 * @param alphabet - the characters (code points) cut points may end in
 * @returns strings strictly between `last` and `upTo`, ascending
 */
export function splitPoints(first: string, last: string, upTo: string | null, alphabet: ReadonlySet<number>): string[] {
  const a = [...first];
  const k = [...last];
  const chars = [...alphabet].sort((x, y) => x - y);
  let differ = 0;
  while (differ < k.length && a[differ] === k[differ]) differ += 1;
  const points: string[] = [];
  for (let p = 0; p <= Math.min(differ, k.length - 1) && points.length < MAX_SPLIT_POINTS; p++) {
    const head = k.slice(0, p).join('');
    const at = (k[p] as string).codePointAt(0) ?? 0;
    for (const c of chars) {
      if (c <= at) continue;
      const point = head + String.fromCodePoint(c);
      if (upTo !== null && compareKeys(point, upTo) >= 0) break;
      points.push(point);
      if (points.length >= MAX_SPLIT_POINTS) break;
    }
  }
  return points.sort(compareKeys);
}

/** Adds a key's characters (code points) to an alphabet. */
function addChars(alphabet: Set<number>, key: string): void {
  for (const char of key) alphabet.add(char.codePointAt(0) ?? 0);
}

/** The ranges `(after, p1], (p1, p2] … (pn, upTo]`. */
function rangesBetween(after: string, points: readonly string[], upTo: string | null): KeyRange[] {
  const bounds = [after, ...points];
  return bounds.map((start, i) => ({ start_after: start, last_key: i + 1 < bounds.length ? (bounds[i + 1] as string) : upTo }));
}

/**
 * Lists one key range within a budget and cuts it into partition ranges.
 *
 * @param objects - the range's listing, in S3 order (iterated only as far as the budget allows)
 * @param range - the key range
 * @param limits - when a partition range closes
 * @param budget - where to stop
 * @returns the partition ranges over what was listed (to the range's end when it was listed to the end) and the rest, split
 */
export async function listPiece(objects: AsyncIterable<ListedObject>, range: KeyRange, limits: RangeLimits, budget: PieceBudget): Promise<ListedPiece> {
  const splitter = new RangeSplitter(limits, range.start_after);
  let first: string | undefined;
  let last: string | undefined;
  let listed = 0;
  let stopped = false;
  const alphabet = new Set<number>();
  for await (const object of objects) {
    splitter.add(object);
    if (listed % ALPHABET_SAMPLE === 0) addChars(alphabet, object.key);
    first ??= object.key;
    last = object.key;
    listed += 1;
    stopped = listed >= budget.keys || (budget.deadline !== undefined && Date.now() >= budget.deadline);
    if (stopped) break;
  }
  if (!stopped || first === undefined || last === undefined) {
    return { ranges: splitter.finish(range.last_key), rest: [] };
  }
  addChars(alphabet, last);
  return { ranges: splitter.finish(last), rest: rangesBetween(last, splitPoints(first, last, range.last_key, alphabet), range.last_key) };
}
