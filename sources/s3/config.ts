/**
 * The configuration of an S3 source: a bucket, a prefix (a folder, never
 * climbing out with `..`) and include/exclude globs on keys relative to the
 * prefix.
 */
import { InvalidSourceConfigError } from '../errors.js';
import { keyFilter, type KeyFilter } from '../key-filter.js';
import { safePrefix } from '../prefix.js';

/** What to back up. */
export interface S3SourceConfig {
  bucket: string;
  /** Folder inside the bucket (default: the whole bucket). */
  prefix?: string;
  /** Globs on keys relative to the prefix; a key must match one (default: every key). */
  include?: string[];
  /** Globs on keys relative to the prefix; a key matching any is left out. */
  exclude?: string[];
}

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
