/** Bucket-level checks shared by the S3 source and target. */
import { HeadBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { mapS3SourceError } from './errors.js';

/**
 * @throws SourceNotFoundError when `bucket` does not exist
 * @throws SourceAccessError when it may not be read
 */
export async function assertBucketExists(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    throw mapS3SourceError(error, { bucket, operation: 'HeadBucket' });
  }
}

/** True when at least one object's key starts with `prefix` (a one-key listing). */
export async function hasObjects(client: S3Client, bucket: string, prefix: string): Promise<boolean> {
  try {
    const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }));
    return (out.KeyCount ?? out.Contents?.length ?? 0) > 0;
  } catch (error) {
    throw mapS3SourceError(error, { bucket, key: prefix, operation: 'ListObjectsV2' });
  }
}
