/**
 * The default {@link SourceChecker}: builds the engine's source or target
 * from the configuration (which validates names, prefixes and globs) and
 * checks that a source table or bucket exists with one cheap call
 * (DescribeTable, HeadBucket). Other source types are only validated.
 */
import { dynamoDbClient, s3Client } from '../../../vault/aws/clients.js';
import type { SourceConfig } from '../../catalog/types.js';
import { describeTable } from '../../../sources/dynamodb/source.js';
import { assertBucketExists } from '../../../sources/s3/bucket.js';
import { backupSourceFor, restoreTargetFor, SourceType } from '../../workflows/sources.js';
import type { SourceChecker } from '../ports.js';

/** Checks sources and destinations against the configured AWS endpoint. */
export class AwsSourceChecker implements SourceChecker {
  /** @throws InvalidJobError, InvalidSourceConfigError, SourceNotFoundError, SourceAccessError */
  async checkSource(source: SourceConfig): Promise<void> {
    backupSourceFor(source);
    if (source.type === SourceType.DynamoDB) await describeTable(dynamoDbClient(), String(source.table_name));
    if (source.type === SourceType.S3) await assertBucketExists(s3Client(), String(source.bucket));
  }

  /** @throws InvalidJobError, InvalidSourceConfigError, SourceNotFoundError (a missing bucket), SourceAccessError */
  async checkDestination(destination: Record<string, unknown>): Promise<void> {
    restoreTargetFor(destination);
    if (destination.type === SourceType.S3) await assertBucketExists(s3Client(), String(destination.bucket));
  }
}
