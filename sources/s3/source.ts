/**
 * The objects under a prefix of an S3 bucket as a backup source: planned as
 * key ranges of about 256 MiB (see `range-plan.ts`), each exported as a framed
 * stream of header lines and raw object bytes (see `frame.ts`). Objects of
 * any size stream in bounded memory: ranged GETs of `rangeSize` bytes, a few
 * small objects fetched ahead to hide request latency.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';
import { prefetchOrdered } from '../prefetch.js';
import type { BackupSource, ExportPacing, KeyRange, ListedPiece, ListedTotals, PartitionPlan, RecordCounter } from '../source.js';
import { positiveInteger } from '../validate.js';
import { assertBucketExists } from './bucket.js';
import { resolveS3Config, type ResolvedS3Config, type S3SourceConfig } from './config.js';
import { encodeHeader } from './frame.js';
import { listObjects, type ListedObject, type ListRequest } from './listing.js';
import { fetchObject, type ObjectReadContext } from './object-reader.js';
import { parseRangeSpec, planRanges, rangeLimits, rangePlans, type S3PlanOptions } from './range-plan.js';
import { listPiece } from './listing-plan.js';

/** Bytes per ranged GET unless told otherwise (8 MiB). */
export const DEFAULT_RANGE_SIZE = 8 * 1024 * 1024;
/**
 * Objects fetched ahead of the consumer unless told otherwise: small
 * objects cost a GET's latency each, which only a deep read-ahead hides
 * (16 at ~100 ms: ~160 objects a second per export).
 */
export const DEFAULT_READ_AHEAD = 16;
/** Bytes the objects fetched ahead hold at most (each its first range): the memory 4 × 8 MiB ranges held before. */
export const READ_AHEAD_BYTES = 4 * DEFAULT_RANGE_SIZE;
/** Seconds one small GET takes, as planned (S3 documents roughly 100-200 ms for small requests: https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html). */
export const GET_SECONDS = 0.1;
/** GET/HEAD requests per second S3 serves one prefix (same page). */
export const PREFIX_GETS_PER_SECOND = 5_500;
/** The share of {@link PREFIX_GETS_PER_SECOND} a backup plans to use (a 2x margin: the source keeps serving its own readers). */
export const PREFIX_GET_SHARE = 0.5;

/** Injection points and tuning. */
export interface S3SourceOptions {
  /** The client to use; by default the shared one from `s3Client()`. */
  client?: S3Client;
  /** Bytes per ranged GET (default 8 MiB); also the most one object fetched ahead holds. */
  rangeSize?: number;
  /** Objects fetched ahead of the consumer (default 16), holding at most {@link READ_AHEAD_BYTES} of first ranges together. */
  readAhead?: number;
}

/** What `S3Source.describe` returns. */
export type S3Description = {
  kind: 's3';
  bucket: string;
  /** Normalized: `''` or ending in `/`. */
  prefix: string;
  include: string[];
  exclude: string[];
  /** Objects selected by the globs, when described. */
  object_count: number;
  /** Their total size in bytes. */
  size_bytes: number;
};

/** An S3 bucket prefix that Haven can back up. */
export class S3Source implements BackupSource {
  private readonly client: S3Client;
  private readonly resolved: ResolvedS3Config;
  private readonly rangeSize: number;
  private readonly readAhead: number;

  /** @throws InvalidSourceConfigError for a bad bucket name, a `..` prefix or an invalid glob */
  constructor(
    readonly config: S3SourceConfig,
    options: S3SourceOptions = {},
  ) {
    this.resolved = resolveS3Config(config);
    this.client = options.client ?? s3Client();
    this.rangeSize = positiveInteger(options.rangeSize, 'rangeSize') ?? DEFAULT_RANGE_SIZE;
    this.readAhead = positiveInteger(options.readAhead, 'readAhead') ?? DEFAULT_READ_AHEAD;
  }

  private listing(range: Pick<ListRequest, 'startAfter' | 'lastKey'> = {}) {
    const { bucket, prefix, filter } = this.resolved;
    return listObjects({ client: this.client, bucket, prefix, filter, ...range });
  }

  /**
   * The bucket, prefix, globs, and the count and total size of the selected
   * objects (one full listing, unless `listed` gives them: what `planPiece`
   * calls counted).
   * @throws SourceNotFoundError when the bucket does not exist
   */
  async describe(listed?: ListedTotals): Promise<S3Description> {
    const { bucket, prefix } = this.resolved;
    await assertBucketExists(this.client, bucket);
    let count = listed?.objects ?? 0;
    let bytes = listed?.bytes ?? 0;
    if (!listed) {
      for await (const object of this.listing()) {
        count += 1;
        bytes += object.size;
      }
    }
    return { kind: 's3', bucket, prefix, include: this.config.include ?? [], exclude: this.config.exclude ?? [], object_count: count, size_bytes: bytes };
  }

  /**
   * Lists the prefix and splits the selected objects into key ranges (`range-0000`…).
   * @throws SourceNotFoundError when the bucket does not exist
   */
  async plan(options: S3PlanOptions = {}): Promise<PartitionPlan[]> {
    await assertBucketExists(this.client, this.resolved.bucket);
    return rangePlans(await planRanges(this.listing(), options));
  }

  /**
   * What an export costs per object and how many exports at once the
   * prefix serves: each object is a GET, {@link GET_SECONDS} each, hidden
   * by the read-ahead; the exports at once stay within
   * {@link PREFIX_GET_SHARE} of the prefix's GET rate.
   */
  pacing(): ExportPacing {
    const getsPerExport = this.readAhead / GET_SECONDS;
    return { secondsPerRecord: GET_SECONDS / this.readAhead, maxConcurrency: Math.max(1, Math.floor((PREFIX_GETS_PER_SECOND * PREFIX_GET_SHARE) / getsPerExport)) };
  }

  /**
   * Lists one key range until `maxKeys` objects or `deadline` and cuts what
   * it listed into partition ranges; the rest comes back split (listing-plan.ts).
   * @throws SourceNotFoundError when the bucket does not exist (the listing's NoSuchBucket)
   * @throws InvalidSourceConfigError for a bad option
   */
  async planPiece(range: KeyRange, options: S3PlanOptions & { maxKeys: number; deadline?: number }): Promise<ListedPiece> {
    const keys = positiveInteger(options.maxKeys, 'maxKeys') as number;
    return listPiece(this.listing({ startAfter: range.start_after, lastKey: range.last_key }), range, rangeLimits(options), { keys, deadline: options.deadline });
  }

  /**
   * Lists the partition's key range again and yields, for each selected
   * object, its header line and then exactly `size` bytes. Objects deleted
   * since they were listed are left out.
   */
  async *export(partition: PartitionPlan, counter: RecordCounter): AsyncGenerator<Uint8Array> {
    const range = parseRangeSpec(partition);
    const { bucket, prefix } = this.resolved;
    const context: ObjectReadContext = { client: this.client, bucket, prefix, rangeSize: this.rangeSize };
    const objects = this.listing({ startAfter: range.start_after, lastKey: range.last_key });
    const weight = { of: (listed: ListedObject) => Math.min(listed.size, this.rangeSize), max: Math.max(READ_AHEAD_BYTES, this.rangeSize) };
    for await (const object of prefetchOrdered(objects, this.readAhead, (listed) => fetchObject(context, listed), weight)) {
      if (!object) continue;
      counter.records += 1;
      yield encodeHeader(object.header);
      yield* object.body;
    }
  }
}
