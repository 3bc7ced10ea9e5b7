/**
 * Splitting a listing into key ranges of about N bytes or M keys. A range's
 * spec is `{ start_after, last_key }`, keys relative to the source prefix in
 * S3's (UTF-8 byte) order: the range holds the keys K with
 * `start_after < K <= last_key`; `start_after` is `''` for the first range and
 * `last_key` is null for the last one, which runs to the end of the listing
 * (so keys written after planning are still backed up, by the last range).
 * Consecutive ranges share a boundary, so every key falls in exactly one.
 */
import { z } from 'zod';
import { DEFAULT_MAX_PARTITIONS, partitionName, type PartitionPlan, type PlanOptions } from '../source.js';
import { parseOrThrow, positiveInteger } from '../validate.js';
import { compareKeys, type ListedObject } from './listing.js';
import { InvalidSourceConfigError } from '../errors.js';

/** Bytes per range unless told otherwise (256 MiB). */
export const DEFAULT_BYTES_PER_RANGE = 256 * 1024 * 1024;
/**
 * Objects per range unless told otherwise: each costs a GET, so a range of
 * small objects takes ~5,000 × 100 ms / 16 read ahead ≈ 31 s, well within
 * a batch's budget (control/workflows/backup/batching.ts).
 */
export const DEFAULT_KEYS_PER_RANGE = 5_000;

/** Planning options of an S3 source. */
export interface S3PlanOptions extends PlanOptions {
  /** Close a range once it holds this many bytes (default 256 MiB). */
  bytesPerRange?: number;
  /** Close a range once it holds this many objects (default 5,000). */
  keysPerRange?: number;
}

/** The spec of one key range. */
export interface RangeSpec {
  start_after: string;
  last_key: string | null;
}

const rangeSpec = z.object({ start_after: z.string(), last_key: z.string().min(1).nullable() });

/** A key range with what was listed in it. */
export interface CountedRange extends RangeSpec {
  bytes: number;
  keys: number;
}

/** The closing rule of a range: bytes and objects at most. */
export interface RangeLimits {
  maxBytes: number;
  maxKeys: number;
}

/**
 * The range limits of a plan's options (defaults {@link DEFAULT_BYTES_PER_RANGE}, {@link DEFAULT_KEYS_PER_RANGE}).
 * @throws InvalidSourceConfigError for a non-positive or fractional option
 */
export function rangeLimits(options: S3PlanOptions = {}): RangeLimits {
  return {
    maxBytes: positiveInteger(options.bytesPerRange, 'bytesPerRange') ?? DEFAULT_BYTES_PER_RANGE,
    maxKeys: positiveInteger(options.keysPerRange, 'keysPerRange') ?? DEFAULT_KEYS_PER_RANGE,
  };
}

/**
 * Cuts listed objects (fed in S3 order) into ranges by {@link RangeLimits}:
 * a range closes at the object that makes it reach either limit. Only the
 * boundaries and counts are kept.
 */
export class RangeSplitter {
  readonly ranges: CountedRange[] = [];
  private start: string;
  private bytes = 0;
  private keys = 0;

  /** @param limits - when a range closes; @param startAfter - where the first range starts (exclusive) */
  constructor(
    private readonly limits: RangeLimits,
    startAfter = '',
  ) {
    this.start = startAfter;
  }

  /** Adds the next listed object. */
  add(object: ListedObject): void {
    this.bytes += object.size;
    this.keys += 1;
    if (this.bytes >= this.limits.maxBytes || this.keys >= this.limits.maxKeys) {
      this.ranges.push({ start_after: this.start, last_key: object.key, bytes: this.bytes, keys: this.keys });
      this.start = object.key;
      this.bytes = 0;
      this.keys = 0;
    }
  }

  /**
   * The ranges, the last one running to `lastKey` (null: to the end of the
   * listing). A tail with no object is joined to the range before it (an
   * empty listing still gets one, empty, range).
   */
  finish(lastKey: string | null): CountedRange[] {
    const last = this.ranges[this.ranges.length - 1];
    if (this.keys > 0 || !last) this.ranges.push({ start_after: this.start, last_key: lastKey, bytes: this.bytes, keys: this.keys });
    else last.last_key = lastKey;
    return this.ranges;
  }
}

/**
 * The key ranges of a listing (in S3 order): a range closes once it reaches
 * `bytesPerRange` bytes or `keysPerRange` objects; when that makes more than
 * `maxPartitions` ranges, neighbours are joined. An empty listing still gets
 * one (empty) range. Only the boundaries are kept in memory.
 * @throws InvalidSourceConfigError for a non-positive or fractional option
 */
export async function planRanges(objects: AsyncIterable<ListedObject>, options: S3PlanOptions = {}): Promise<RangeSpec[]> {
  const maxRanges = positiveInteger(options.maxPartitions, 'maxPartitions') ?? DEFAULT_MAX_PARTITIONS;
  const splitter = new RangeSplitter(rangeLimits(options));
  for await (const object of objects) splitter.add(object);
  return coalesce(splitter.finish(null), maxRanges).map(({ start_after, last_key }) => ({ start_after, last_key }));
}

/**
 * Joins the ranges several listings produced (each covering its own part of
 * the key space; together contiguous from `''` to the end) into the
 * partition ranges, in S3 order: an empty range joins the one before it,
 * and neighbours are merged while the merged range stays within the limits
 * (the remnants at the listings' edges), then joined down to `maxPartitions`.
 *
 * @param pieces - the ranges, in any order
 * @param options - the plan's options (limits, maxPartitions)
 * @returns the ranges, in order, the last running to the end of the listing
 * @throws InvalidSourceConfigError when the ranges are not contiguous from `''` to the end
 */
export function joinRanges(pieces: readonly CountedRange[], options: S3PlanOptions = {}): CountedRange[] {
  const limits = rangeLimits(options);
  const maxRanges = positiveInteger(options.maxPartitions, 'maxPartitions') ?? DEFAULT_MAX_PARTITIONS;
  const sorted = [...pieces].sort((a, b) => compareKeys(a.start_after, b.start_after));
  const out: CountedRange[] = [];
  let expected: string | null = '';
  for (const piece of sorted) {
    if (expected === null || piece.start_after !== expected) throw new InvalidSourceConfigError(`the listed key ranges are not contiguous at ${JSON.stringify(piece.start_after)}`);
    expected = piece.last_key;
    const last = out[out.length - 1];
    if (last && (piece.keys === 0 || (last.bytes + piece.bytes <= limits.maxBytes && last.keys + piece.keys <= limits.maxKeys))) {
      out[out.length - 1] = { start_after: last.start_after, last_key: piece.last_key, bytes: last.bytes + piece.bytes, keys: last.keys + piece.keys };
    } else out.push({ ...piece });
  }
  if (expected !== null) throw new InvalidSourceConfigError(`the listed key ranges end at ${JSON.stringify(expected)}, not at the end of the listing`);
  return coalesce(out, maxRanges);
}

/** Joins consecutive ranges so that at most `max` are left. */
function coalesce(ranges: CountedRange[], max: number): CountedRange[] {
  if (ranges.length <= max) return ranges;
  const group = Math.ceil(ranges.length / max);
  const out: CountedRange[] = [];
  for (let i = 0; i < ranges.length; i += group) {
    const members = ranges.slice(i, i + group);
    out.push({
      start_after: (members[0] as CountedRange).start_after,
      last_key: (members[members.length - 1] as CountedRange).last_key,
      bytes: members.reduce((sum, r) => sum + r.bytes, 0),
      keys: members.reduce((sum, r) => sum + r.keys, 0),
    });
  }
  return out;
}

/** The partitions of a list of ranges: `range-0000`… */
export function rangePlans(ranges: readonly RangeSpec[]): PartitionPlan[] {
  return ranges.map((range, index) => ({ name: partitionName('range', index), spec: { ...range } }));
}

/**
 * Reads a partition's spec back.
 * @throws InvalidSourceConfigError when it is not `{ start_after, last_key }`
 */
export function parseRangeSpec(partition: PartitionPlan): RangeSpec {
  return parseOrThrow(rangeSpec, partition.spec, `a key range spec (partition ${partition.name})`);
}
