/**
 * Maps S3 client errors for sources and targets: a missing bucket is a
 * `SourceNotFoundError` and denied access a `SourceAccessError`; everything
 * else is mapped as the object store maps it (`storage/s3-errors.ts`).
 */
import { HavenError } from '../../vault/errors.js';
import { StorageAccessDeniedError } from '../../vault/storage/errors.js';
import { httpStatusOf, mapS3Error, type S3ErrorContext } from '../../vault/storage/s3-errors.js';
import { SourceAccessError, SourceNotFoundError } from '../errors.js';

/** Turns anything the S3 client threw into a typed error (Haven errors pass through). */
export function mapS3SourceError(error: unknown, context: S3ErrorContext): HavenError {
  if (error instanceof HavenError) return error;
  const name = (error as { name?: unknown } | undefined)?.name;
  // HeadBucket answers a bodiless 404 for a missing bucket; other calls name it NoSuchBucket.
  if (name === 'NoSuchBucket' || (context.operation === 'HeadBucket' && httpStatusOf(error) === 404)) {
    return new SourceNotFoundError(`s3 bucket ${context.bucket}`, { cause: error });
  }
  const mapped = mapS3Error(error, context);
  return mapped instanceof StorageAccessDeniedError ? new SourceAccessError(mapped.message, { cause: error }) : mapped;
}
