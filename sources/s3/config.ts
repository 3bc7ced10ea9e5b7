/**
 * An S3 source and restore destination as a job or restore names them: a
 * bucket, a prefix (a folder, never climbing out with `..`) and, for a
 * source, include/exclude globs on keys relative to the prefix. The schemas
 * check shapes; {@link resolveS3Config} and the target check names,
 * prefixes and globs.
 */
import { z } from 'zod';
import { Globs, restoreFlags } from '../config-fields.js';
import { InvalidSourceConfigError } from '../errors.js';
import { keyFilter, type KeyFilter } from '../key-filter.js';
import { safePrefix } from '../prefix.js';

/** The `type` of an S3 source or destination. */
export const S3_TYPE = 's3';

/** An S3 bucket name (checked further by {@link assertBucketName}). */
export const BucketName = z.string().min(2).max(255);

/** A key prefix (a folder); `..` and `.` segments are refused. */
export const Prefix = z.string().max(1024);

/** An S3 bucket prefix a job backs up. */
export const S3SourceSchema = z.strictObject({
  type: z.literal(S3_TYPE),
  bucket: BucketName,
  prefix: Prefix.optional().meta({ description: 'Folder inside the bucket (default: the whole bucket)' }),
  include: Globs.optional().meta({ description: 'Globs on keys relative to the prefix; a key must match one (default: every key)' }),
  exclude: Globs.optional().meta({ description: 'Globs on keys relative to the prefix; a key matching any is left out' }),
});

/** What the engine's S3 source backs up (a source configuration, its `type` aside). */
export type S3SourceConfig = Omit<z.output<typeof S3SourceSchema>, 'type'>;

/** An S3 bucket prefix a restore writes. */
export const S3DestinationSchema = z.strictObject({
  type: z.literal(S3_TYPE),
  bucket: BucketName,
  prefix: Prefix.optional().meta({ description: 'Folder the restored keys are written under (default: the bucket root)' }),
  ...restoreFlags,
});
/** An S3 restore destination. */
export type S3Destination = z.output<typeof S3DestinationSchema>;

/** A validated configuration. */
export interface ResolvedS3Config {
  bucket: string;
  /** `''` or ending in `/`. */
  prefix: string;
  filter: KeyFilter;
}

/**
 * @throws InvalidSourceConfigError unless `bucket` looks like a bucket name
 *   (lower-case letters, digits, `.`, `-`, `_`; 2 to 255 characters)
 */
export function assertBucketName(bucket: string): void {
  if (!/^[a-z0-9][a-z0-9.\-_]{1,254}$/.test(bucket)) throw new InvalidSourceConfigError(`invalid bucket name ${JSON.stringify(bucket)}`);
}

/**
 * Validates a source configuration.
 * @throws InvalidSourceConfigError for a missing or malformed bucket name, a
 *   prefix with `.`/`..` segments, or an invalid glob
 */
export function resolveS3Config(config: S3SourceConfig): ResolvedS3Config {
  assertBucketName(config.bucket);
  return {
    bucket: config.bucket,
    prefix: safePrefix(config.prefix ?? ''),
    filter: keyFilter({ ...(config.include ? { include: config.include } : {}), ...(config.exclude ? { exclude: config.exclude } : {}) }),
  };
}
