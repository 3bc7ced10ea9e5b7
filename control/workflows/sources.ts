/**
 * Maps a job's source configuration (and a restore's destination) to the
 * engine's sources and restore targets. A stored configuration is parsed
 * with its kind's schema (sources/config.ts): `dynamodb` (`table_name`,
 * optional `consistent_read`), `s3` (`bucket`, `prefix`, optional
 * `include`/`exclude` globs) and `postgresql` (also `postgres`, or the
 * seed's `database`: `secret_arn`, table selection globs; docs/POSTGRES.md).
 */
import { DynamoDbSource } from '../../sources/dynamodb/source.js';
import { DynamoDbRestoreTarget } from '../../sources/dynamodb/target.js';
import { DYNAMODB_TYPE } from '../../sources/dynamodb/config.js';
import { PostgresSource } from '../../sources/postgres/source.js';
import { PostgresRestoreTarget } from '../../sources/postgres/target.js';
import { S3_TYPE } from '../../sources/s3/config.js';
import { S3Source } from '../../sources/s3/source.js';
import { S3RestoreTarget } from '../../sources/s3/target.js';
import { parseRestoreDestination, parseSourceConfig } from '../../sources/config.js';
import type { KeySelection } from '../../sources/key-filter.js';
import type { BackupSource, RestoreTarget } from '../../sources/source.js';

/**
 * The backup source for a job's (stored) source configuration.
 * @throws InvalidSourceConfigError for a configuration its kind's schema refuses
 */
export function backupSourceFor(stored: unknown): BackupSource {
  const config = parseSourceConfig(stored);
  switch (config.type) {
    case DYNAMODB_TYPE:
      return new DynamoDbSource({ table: config.table_name, ...(config.consistent_read !== undefined ? { consistent_read: config.consistent_read } : {}) });
    case S3_TYPE:
      return new S3Source(config);
    default:
      return new PostgresSource(config);
  }
}

/**
 * The restore target for a (stored) destination; `select`, the restore's
 * key selection, comes along with it when the restore has one.
 * @throws InvalidSourceConfigError for a destination its kind's schema refuses
 */
export function restoreTargetFor(stored: Readonly<Record<string, unknown>>): RestoreTarget {
  const { select: selection, ...destination } = stored;
  const select = selection && typeof selection === 'object' ? (selection as KeySelection) : undefined;
  const config = parseRestoreDestination(destination);
  switch (config.type) {
    case DYNAMODB_TYPE:
      return new DynamoDbRestoreTarget({ table: config.table_name });
    case S3_TYPE:
      return new S3RestoreTarget({ bucket: config.bucket, ...(config.prefix !== undefined ? { prefix: config.prefix } : {}), ...(select ? { select } : {}) });
    default:
      return new PostgresRestoreTarget(config);
  }
}
