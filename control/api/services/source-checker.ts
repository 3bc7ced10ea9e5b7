/**
 * The default {@link SourceChecker}: builds the engine's source or target
 * from the configuration (which validates names, prefixes and globs) and
 * checks that a source table or bucket exists with one cheap call
 * (DescribeTable, HeadBucket). Other source types are only validated.
 */
import { dynamoDbClient, s3Client } from '../../../vault/aws/clients.js';
import type { RestoreDestination, SourceConfig } from '../../catalog/types.js';
import { DYNAMODB_TYPE } from '../../../sources/dynamodb/config.js';
import { S3_TYPE } from '../../../sources/s3/config.js';
import { describeTable } from '../../../sources/dynamodb/source.js';
import { assertBucketExists } from '../../../sources/s3/bucket.js';
import { backupSourceFor, restoreTargetFor } from '../../workflows/sources.js';
import type { SourceChecker } from '../ports.js';

/** Checks sources and destinations against the configured AWS endpoint. */
export class AwsSourceChecker implements SourceChecker {
  /** @throws InvalidJobError, InvalidSourceConfigError, SourceNotFoundError, SourceAccessError */
  async checkSource(source: SourceConfig): Promise<void> {
    backupSourceFor(source);
    if (source.type === DYNAMODB_TYPE) await describeTable(dynamoDbClient(), source.table_name);
    if (source.type === S3_TYPE) await assertBucketExists(s3Client(), source.bucket);
  }

  /** @throws InvalidJobError, InvalidSourceConfigError, SourceNotFoundError (a missing bucket), SourceAccessError */
  async checkDestination(destination: RestoreDestination): Promise<void> {
    restoreTargetFor(destination);
    if (destination.type === S3_TYPE) await assertBucketExists(s3Client(), destination.bucket);
  }
}
