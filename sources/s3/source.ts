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
import type { BackupSource, PartitionPlan, RecordCounter } from '../source.js';
import { positiveInteger } from '../validate.js';
import { assertBucketExists } from './bucket.js';
import { resolveS3Config, type ResolvedS3Config, type S3SourceConfig } from './config.js';
import { encodeHeader } from './frame.js';
import { listObjects, type ListRequest } from './listing.js';
import { fetchObject, type ObjectReadContext } from './object-reader.js';
import { parseRangeSpec, planRanges, rangePlans, type S3PlanOptions } from './range-plan.js';

/** Bytes per ranged GET unless told otherwise (8 MiB). */
export const DEFAULT_RANGE_SIZE = 8 * 1024 * 1024;
/** Objects fetched ahead of the consumer unless told otherwise. */
export const DEFAULT_READ_AHEAD = 4;

/** Injection points and tuning. */
export interface S3SourceOptions {
  /** The client to use; by default the shared one from `s3Client()`. */
  client?: S3Client;
  /** Bytes per ranged GET (default 8 MiB); also the most one object fetched ahead holds. */
  rangeSize?: number;
  /** Objects fetched ahead of the consumer (default 4); memory is about `readAhead × rangeSize`. */
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
   * The bucket, prefix, globs, and the count and total size of the selected objects (one full listing).
   * @throws SourceNotFoundError when the bucket does not exist
   */
  async describe(): Promise<S3Description> {
    const { bucket, prefix } = this.resolved;
    await assertBucketExists(this.client, bucket);
    let count = 0;
    let bytes = 0;
    for await (const object of this.listing()) {
      count += 1;
      bytes += object.size;
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
   * Lists the partition's key range again and yields, for each selected
   * object, its header line and then exactly `size` bytes. Objects deleted
   * since they were listed are left out.
   */
  async *export(partition: PartitionPlan, counter: RecordCounter): AsyncGenerator<Uint8Array> {
    const range = parseRangeSpec(partition);
    const { bucket, prefix } = this.resolved;
    const context: ObjectReadContext = { client: this.client, bucket, prefix, rangeSize: this.rangeSize };
    const objects = this.listing({ startAfter: range.start_after, lastKey: range.last_key });
    for await (const object of prefetchOrdered(objects, this.readAhead, (listed) => fetchObject(context, listed))) {
      if (!object) continue;
      counter.records += 1;
      yield encodeHeader(object.header);
      yield* object.body;
    }
  }
}
