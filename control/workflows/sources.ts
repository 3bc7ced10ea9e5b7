/**
 * Maps a job's source configuration (and a restore's destination) to the
 * engine's sources and restore targets. Source types: `dynamodb`
 * (`table_name`, optional `consistent_read`) and `s3` (`bucket`, `prefix`,
 * optional `include`/`exclude` globs) and `postgresql` (also `postgres`, or the
 * seed's `database`: `secret_arn`, table selection globs; docs/POSTGRES.md).
 */
import type { SourceConfig } from '../catalog/types.js';
import { DynamoDbSource } from '../../sources/dynamodb/source.js';
import { DynamoDbRestoreTarget } from '../../sources/dynamodb/target.js';
import { PostgresSource } from '../../sources/postgres/source.js';
import { PostgresRestoreTarget } from '../../sources/postgres/target.js';
import { S3Source } from '../../sources/s3/source.js';
import { S3RestoreTarget } from '../../sources/s3/target.js';
import type { KeySelection } from '../../sources/key-filter.js';
import type { BackupSource, RestoreTarget } from '../../sources/source.js';
import { InvalidJobError } from './errors.js';

/** Source types Haven backs up. */
export const SourceType = { DynamoDB: 'dynamodb', S3: 's3', PostgreSQL: 'postgresql' } as const;
export type SourceType = (typeof SourceType)[keyof typeof SourceType];

function text(config: Record<string, unknown>, ...names: string[]): string {
  for (const name of names) {
    const value = config[name];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  throw new InvalidJobError(`${String(config.type)} source needs ${names.join(' or ')}`);
}

/** The seed calls a database source `database`; Haven's only database engine is PostgreSQL. */
function isPostgres(type: unknown): boolean {
  return type === SourceType.PostgreSQL || type === 'postgres' || type === 'database';
}

function list(config: Record<string, unknown>, name: string): string[] | undefined {
  const value = config[name];
  return Array.isArray(value) ? value.map(String) : undefined;
}

/** The backup source for a job's source configuration. */
export function backupSourceFor(config: SourceConfig): BackupSource {
  if (isPostgres(config.type)) return new PostgresSource(config);
  switch (config.type) {
    case SourceType.DynamoDB:
      return new DynamoDbSource({ table: text(config, 'table_name', 'table'), consistent_read: config.consistent_read === true });
    case SourceType.S3: {
      const include = list(config, 'include');
      const exclude = list(config, 'exclude');
      return new S3Source({ bucket: text(config, 'bucket'), prefix: typeof config.prefix === 'string' ? config.prefix : '', ...(include ? { include } : {}), ...(exclude ? { exclude } : {}) });
    }
    default:
      throw new InvalidJobError(`source type '${String(config.type)}' is not supported (dynamodb, s3, postgresql)`);
  }
}

/** The restore target for a destination configuration (same shapes as sources). */
export function restoreTargetFor(config: Record<string, unknown>): RestoreTarget {
  if (isPostgres(config.type)) return new PostgresRestoreTarget(config);
  switch (config.type) {
    case SourceType.DynamoDB:
      return new DynamoDbRestoreTarget({ table: text(config, 'table_name', 'table') });
    case SourceType.S3:
      return new S3RestoreTarget({
        bucket: text(config, 'bucket'),
        prefix: typeof config.prefix === 'string' ? config.prefix : '',
        ...(config.select && typeof config.select === 'object' ? { select: config.select as KeySelection } : {}),
      });
    default:
      throw new InvalidJobError(`destination type '${String(config.type)}' is not supported (dynamodb, s3, postgresql)`);
  }
}
