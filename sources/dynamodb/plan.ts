/**
 * Parallel-scan planning: how many segments a table is scanned in, and the
 * partition of each. A segment's spec is `{ segment, total }`, DynamoDB's
 * Segment and TotalSegments.
 */
import { z } from 'zod';
import { DEFAULT_MAX_PARTITIONS, partitionName, type PartitionPlan, type PlanOptions } from '../source.js';
import { parseOrThrow, positiveInteger } from '../validate.js';

/** Table bytes per scan segment unless told otherwise (128 MiB). */
export const DEFAULT_BYTES_PER_SEGMENT = 128 * 1024 * 1024;
/** DynamoDB's largest TotalSegments. */
export const MAX_SEGMENTS = 1_000_000;

/** Planning options of a DynamoDB source. */
export interface DynamoDbPlanOptions extends PlanOptions {
  /** Exactly this many segments (still capped by `maxPartitions`). */
  segments?: number;
  /** Table bytes per segment when `segments` is not given (default 128 MiB). */
  bytesPerSegment?: number;
}

/** The spec of one scan segment. */
export interface SegmentSpec {
  segment: number;
  total: number;
}

const segmentSpec = z
  .object({ segment: z.number().int().nonnegative(), total: z.number().int().positive().max(MAX_SEGMENTS) })
  .refine((s) => s.segment < s.total, 'segment must be below total');

/**
 * How many segments to scan a table of `sizeBytes` in: `segments` if given,
 * else one per `bytesPerSegment` (at least 1); never more than
 * `maxPartitions` (default 1000) nor DynamoDB's 1,000,000.
 * @throws InvalidSourceConfigError for a non-positive or fractional option
 */
export function segmentCount(sizeBytes: number, options: DynamoDbPlanOptions = {}): number {
  const max = Math.min(positiveInteger(options.maxPartitions, 'maxPartitions') ?? DEFAULT_MAX_PARTITIONS, MAX_SEGMENTS);
  const explicit = positiveInteger(options.segments, 'segments');
  const perSegment = positiveInteger(options.bytesPerSegment, 'bytesPerSegment') ?? DEFAULT_BYTES_PER_SEGMENT;
  const wanted = explicit ?? Math.ceil(Math.max(0, sizeBytes) / perSegment);
  return Math.min(max, Math.max(1, wanted));
}

/** The partitions of a scan in `total` segments: `segment-0000`… with `{ segment, total }`. */
export function segmentPlans(total: number): PartitionPlan[] {
  return Array.from({ length: total }, (_, segment) => ({ name: partitionName('segment', segment), spec: { segment, total } }));
}

/**
 * Reads a partition's spec back.
 * @throws InvalidSourceConfigError when it is not `{ segment, total }` with `0 <= segment < total`
 */
export function parseSegmentSpec(partition: PartitionPlan): SegmentSpec {
  return parseOrThrow(segmentSpec, partition.spec, `a scan segment spec (partition ${partition.name})`);
}
