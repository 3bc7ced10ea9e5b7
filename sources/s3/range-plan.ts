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
import type { ListedObject } from './listing.js';

/** Bytes per range unless told otherwise (256 MiB). */
export const DEFAULT_BYTES_PER_RANGE = 256 * 1024 * 1024;
/** Objects per range unless told otherwise (each costs at least one GET). */
export const DEFAULT_KEYS_PER_RANGE = 20_000;

/** Planning options of an S3 source. */
export interface S3PlanOptions extends PlanOptions {
  /** Close a range once it holds this many bytes (default 256 MiB). */
  bytesPerRange?: number;
  /** Close a range once it holds this many objects (default 20,000). */
  keysPerRange?: number;
}

/** The spec of one key range. */
export interface RangeSpec {
  start_after: string;
  last_key: string | null;
}

const rangeSpec = z.object({ start_after: z.string(), last_key: z.string().min(1).nullable() });

/** Joins consecutive ranges so that at most `max` are left. */
function coalesce(ranges: RangeSpec[], max: number): RangeSpec[] {
  if (ranges.length <= max) return ranges;
  const group = Math.ceil(ranges.length / max);
  const out: RangeSpec[] = [];
  for (let i = 0; i < ranges.length; i += group) {
    const first = ranges[i] as RangeSpec;
    const last = ranges[Math.min(i + group, ranges.length) - 1] as RangeSpec;
    out.push({ start_after: first.start_after, last_key: last.last_key });
  }
  return out;
}

/**
 * The key ranges of a listing (in S3 order): a range closes once it reaches
 * `bytesPerRange` bytes or `keysPerRange` objects; when that makes more than
 * `maxPartitions` ranges, neighbours are joined. An empty listing still gets
 * one (empty) range. Only the boundaries are kept in memory.
 * @throws InvalidSourceConfigError for a non-positive or fractional option
 */
export async function planRanges(objects: AsyncIterable<ListedObject>, options: S3PlanOptions = {}): Promise<RangeSpec[]> {
  const maxBytes = positiveInteger(options.bytesPerRange, 'bytesPerRange') ?? DEFAULT_BYTES_PER_RANGE;
  const maxKeys = positiveInteger(options.keysPerRange, 'keysPerRange') ?? DEFAULT_KEYS_PER_RANGE;
  const maxRanges = positiveInteger(options.maxPartitions, 'maxPartitions') ?? DEFAULT_MAX_PARTITIONS;
  const ranges: RangeSpec[] = [];
  let start = '';
  let bytes = 0;
  let keys = 0;
  for await (const object of objects) {
    bytes += object.size;
    keys += 1;
    if (bytes >= maxBytes || keys >= maxKeys) {
      ranges.push({ start_after: start, last_key: object.key });
      start = object.key;
      bytes = 0;
      keys = 0;
    }
  }
  const last = ranges[ranges.length - 1];
  if (keys > 0 || !last) ranges.push({ start_after: start, last_key: null });
  else last.last_key = null;
  return coalesce(ranges, maxRanges);
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
