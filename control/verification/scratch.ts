/**
 * Scratch targets of test restores: a temporary DynamoDB table or S3 prefix
 * named `haven-verify-<verification id>`, so IAM can scope create and delete
 * rights to that prefix, and cleanup that removes it (every object version
 * of a prefix; the table itself) and succeeds when it is already gone.
 */
import { DeleteTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DeleteObjectsCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { dynamoDbClient, s3Client } from '../../vault/aws/clients.js';
import { mapDynamoDbError } from '../../sources/dynamodb/errors.js';
import { mapS3Error } from '../../vault/storage/s3-errors.js';
import type { DynamoDbDestination } from '../../sources/dynamodb/config.js';
import type { S3Destination } from '../../sources/s3/config.js';
import { InvalidVerificationError } from './errors.js';

/** The name prefix of every scratch table and key prefix. */
export const SCRATCH_PREFIX = 'haven-verify-';

/** A scratch target: the where of a restore destination (each kind's schema owns the shape, sources/<kind>/config.ts). */
export type ScratchTarget = Pick<DynamoDbDestination, 'type' | 'table_name'> | Required<Pick<S3Destination, 'type' | 'bucket' | 'prefix'>>;

/**
 * The scratch name of a verification: `haven-verify-` and its id in lower
 * case (DynamoDB table names and S3 keys both take it).
 */
export function scratchName(verificationId: string): string {
  return `${SCRATCH_PREFIX}${verificationId.toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}`;
}

/**
 * The scratch target for restoring a backup of a source type.
 *
 * @param sourceType - the backup's source type (`dynamodb`, `s3`)
 * @param verificationId - the verification
 * @param bucket - where scratch prefixes go (the vault bucket unless configured)
 * @returns the target
 * @throws InvalidVerificationError for a source type without a scratch target, or an S3 backup with no scratch bucket
 */
export function scratchTarget(sourceType: string, verificationId: string, bucket: string | undefined): ScratchTarget {
  const name = scratchName(verificationId);
  if (sourceType === 'dynamodb') return { type: 'dynamodb', table_name: name };
  if (sourceType === 's3') {
    if (!bucket) throw new InvalidVerificationError('a test restore of an S3 backup needs a scratch bucket (the vault must be on S3)');
    return { type: 's3', bucket, prefix: `${name}/` };
  }
  throw new InvalidVerificationError(`test restores support dynamodb and s3 backups, not ${sourceType}`);
}

/** The bucket of an `s3://bucket/prefix` URI, if it is one. */
export function bucketOfUri(uri: string): string | undefined {
  const match = /^s3:\/\/([^/]+)/.exec(uri);
  return match?.[1];
}

/** A scratch target in words, for records and events. */
export function describeScratch(target: ScratchTarget): string {
  return target.type === 'dynamodb' ? `dynamodb table ${target.table_name}` : `s3://${target.bucket}/${target.prefix}`;
}

function assertScratch(target: ScratchTarget): void {
  const name = target.type === 'dynamodb' ? target.table_name : target.prefix;
  if (!name.startsWith(SCRATCH_PREFIX)) throw new InvalidVerificationError(`refusing to clean up ${describeScratch(target)}: not a scratch target`);
}

/**
 * Removes a scratch target; a target that is already gone (or was never
 * created) is fine.
 *
 * @param target - the target
 * @returns how many objects (or tables) were removed
 * @throws InvalidVerificationError for a name outside the scratch prefix; typed storage or source errors
 */
export async function cleanupScratch(target: ScratchTarget): Promise<number> {
  assertScratch(target);
  if (target.type === 'dynamodb') {
    try {
      await dynamoDbClient().send(new DeleteTableCommand({ TableName: target.table_name }));
      return 1;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return 0;
      throw mapDynamoDbError(error, { table: target.table_name, operation: 'DeleteTable' });
    }
  }
  return deletePrefix(target.bucket, target.prefix);
}

async function deletePrefix(bucket: string, prefix: string): Promise<number> {
  const client = s3Client();
  let removed = 0;
  for (;;) {
    let page;
    try {
      page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, MaxKeys: 1000 }));
    } catch (error) {
      throw mapS3Error(error, { bucket, key: prefix, operation: 'ListObjectVersions' });
    }
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
    if (objects.length === 0) return removed;
    try {
      const out = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
      if ((out.Errors ?? []).length > 0) throw new Error(`DeleteObjects left ${out.Errors!.length} objects: ${out.Errors![0]!.Code ?? ''} ${out.Errors![0]!.Message ?? ''}`);
    } catch (error) {
      throw mapS3Error(error, { bucket, key: prefix, operation: 'DeleteObjects' });
    }
    removed += objects.length;
  }
}
