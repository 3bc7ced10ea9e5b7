/**
 * An S3 bucket prefix as a restore target. `prepare` checks the bucket (and,
 * for `fail_if_exists`, that nothing is under the prefix); `restore` reads
 * one framed partition stream (see `frame.ts`) and writes each object under
 * the target prefix with its content type, user metadata and content
 * headers. Small objects (up to one part) are buffered and several written
 * at once; large ones stream through a multipart upload, never held whole.
 *
 * - `overwrite`, `fail_if_exists`: plain writes (`fail_if_exists` was settled
 *   by `prepare`, so a partition retried after a failure can write again).
 * - `skip_existing`: conditional writes (`If-None-Match: *`); a large object is
 *   first checked with HeadObject so it is not uploaded in vain (`object-writer.ts`).
 *
 * A selection (prefixes, globs) restores only some keys; the rest of the
 * stream is read past. Keys with `.`/`..` segments are refused, as they
 * could land outside the target prefix.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';
import { S3_MULTIPART_LIMITS } from '../../vault/storage/s3-multipart.js';
import { collectBytes } from '../../vault/util/rechunk.js';
import { InvalidSourceConfigError, MalformedStreamError, RestoreConflictError } from '../errors.js';
import { keyFilter, type KeyFilter, type KeySelection } from '../key-filter.js';
import { safePrefix, staysInsidePrefix } from '../prefix.js';
import { ConflictPolicy, type RestorePrepareOptions, type RestoreResult, type RestoreTarget, type RestoreWriteOptions } from '../source.js';
import { TaskPool } from '../task-pool.js';
import { positiveInteger } from '../validate.js';
import { assertBucketExists, hasObjects } from './bucket.js';
import { assertBucketName } from './config.js';
import { readFrames } from './frame-reader.js';
import { putObject, uploadObject, type ObjectWrite, type ObjectWriteContext } from './object-writer.js';

/** Where to restore, and optionally which keys. */
export interface S3TargetConfig {
  bucket: string;
  /** Folder the restored keys are written under (default: the bucket's root). */
  prefix?: string;
  /** Restore only these keys (relative to the backup's prefix); default: all. */
  select?: KeySelection;
}

/** Injection points and tuning. */
export interface S3TargetOptions {
  /** The client to use; by default the shared one from `s3Client()`. */
  client?: S3Client;
  /** Bytes per multipart part, and the largest object written in one PutObject (default 8 MiB, at least 5 MiB). */
  partSize?: number;
  /** Parts in flight per multipart upload (default 4). */
  partConcurrency?: number;
}

/** Small-object writes in flight by default. */
export const DEFAULT_OBJECT_CONCURRENCY = 8;
const MiB = 1024 * 1024;

/** An S3 bucket prefix that Haven can restore objects into. */
export class S3RestoreTarget implements RestoreTarget {
  private readonly client: S3Client;
  private readonly prefix: string;
  private readonly selected: KeyFilter;
  private readonly writes: ObjectWriteContext;

  /** @throws InvalidSourceConfigError for a bad bucket name, a `..` prefix or an invalid selection */
  constructor(
    readonly config: S3TargetConfig,
    options: S3TargetOptions = {},
  ) {
    assertBucketName(config.bucket);
    this.prefix = safePrefix(config.prefix ?? '');
    this.selected = keyFilter(config.select);
    this.client = options.client ?? s3Client();
    const partSize = positiveInteger(options.partSize, 'partSize') ?? 8 * MiB;
    if (partSize < S3_MULTIPART_LIMITS.minPartSize) throw new InvalidSourceConfigError(`partSize must be at least ${S3_MULTIPART_LIMITS.minPartSize} bytes (S3's smallest part), got ${partSize}`);
    this.writes = { client: this.client, bucket: config.bucket, partSize, partConcurrency: positiveInteger(options.partConcurrency, 'partConcurrency') ?? 4 };
  }

  /**
   * Checks the bucket exists and, for `fail_if_exists`, that no object is under the target prefix.
   * @throws SourceNotFoundError when the bucket does not exist
   * @throws InvalidSourceConfigError when `described` is another kind of source's description
   * @throws RestoreConflictError for `fail_if_exists` and a non-empty prefix (nothing was written)
   */
  async prepare(options: RestorePrepareOptions, described: Record<string, unknown>): Promise<void> {
    if (described.kind !== undefined && described.kind !== 's3') {
      throw new InvalidSourceConfigError(`cannot restore a ${String(described.kind)} backup into an S3 bucket`);
    }
    const { bucket } = this.config;
    await assertBucketExists(this.client, bucket);
    if (options.conflict_policy === ConflictPolicy.FailIfExists && (await hasObjects(this.client, bucket, this.prefix))) {
      throw new RestoreConflictError(`s3://${bucket}/${this.prefix} is not empty and the conflict policy is fail_if_exists`);
    }
  }

  /** Writes the selected objects of one partition's framed stream; see the module comment. */
  async restore(stream: AsyncIterable<Uint8Array>, options: RestoreWriteOptions): Promise<RestoreResult> {
    const result: RestoreResult = { records: 0, skipped: 0 };
    const count = (written: boolean) => (written ? (result.records += 1) : (result.skipped += 1));
    const ifAbsent = options.conflict_policy === ConflictPolicy.SkipExisting;
    const pool = new TaskPool(options.concurrency ?? DEFAULT_OBJECT_CONCURRENCY);
    try {
      for await (const { header, body } of readFrames(stream)) {
        if (!this.selected(header.key)) continue;
        if (!staysInsidePrefix(header.key)) throw new MalformedStreamError(`refusing to restore key ${JSON.stringify(header.key)}: it has "." or ".." segments`);
        const write: ObjectWrite = { key: this.prefix + header.key, header, ifAbsent };
        if (header.size <= this.writes.partSize) {
          const bytes = await collectBytes(body, header.size);
          await pool.submit(async () => void count(await putObject(this.writes, write, bytes)));
        } else {
          count(await uploadObject(this.writes, write, body));
        }
      }
      await pool.drain();
    } finally {
      await pool.settle();
    }
    return result;
  }
}
