/**
 * The targets of `haven vault restore`, from its flags: the restore targets
 * the workflows use (sources/), built from the vault's snapshot alone, with
 * no catalog and no stack. Each target takes backups of one source kind.
 */
import { DYNAMODB_TYPE, DynamoDbTableName } from '../../sources/dynamodb/config.js';
import { DynamoDbRestoreTarget } from '../../sources/dynamodb/target.js';
import { POSTGRES_TYPES, SecretArn } from '../../sources/postgres/config.js';
import { PostgresRestoreTarget } from '../../sources/postgres/target.js';
import type { KeySelection } from '../../sources/key-filter.js';
import { S3_TYPE } from '../../sources/s3/config.js';
import { DirectoryRestoreTarget } from '../../sources/s3/directory-target.js';
import { S3RestoreTarget } from '../../sources/s3/target.js';
import type { RestoreTarget } from '../../sources/source.js';
import { UsageError } from '../api/errors.js';
import { connectionFromEnv } from './pg-env.js';

/** The target flags of `vault restore` (one of `to…`). */
export interface TargetFlags {
  toDynamodb?: string;
  toS3?: string;
  toDir?: string;
  toPostgres?: boolean;
  secretArn?: string;
  database?: string;
  keyPrefixes?: string[];
  include?: string[];
  exclude?: string[];
}

/** A target chosen by the flags. */
export interface ChosenTarget {
  target: RestoreTarget;
  /** The source kind (the snapshot description's `kind`) it takes. */
  kind: string;
  /** Where it writes, for messages and the summary (never a credential). */
  where: Record<string, string>;
  /** True when a key selection restores only some records. */
  partial: boolean;
}

/** The flags that name a target, for usage messages. */
export const TARGET_FLAGS = ['--to', '--to-dynamodb', '--to-s3', '--to-dir', '--to-postgres'] as const;

/**
 * Splits `s3://bucket/prefix` into bucket and prefix.
 * @throws UsageError for anything else
 */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match) throw new UsageError(`--to-s3 takes s3://bucket/prefix, got ${JSON.stringify(url)}`);
  return { bucket: match[1]!, prefix: match[2]! };
}

function keySelection(flags: TargetFlags): KeySelection | undefined {
  const selection: KeySelection = {
    ...(flags.keyPrefixes?.length ? { prefixes: flags.keyPrefixes } : {}),
    ...(flags.include?.length ? { include: flags.include } : {}),
    ...(flags.exclude?.length ? { exclude: flags.exclude } : {}),
  };
  return Object.keys(selection).length > 0 ? selection : undefined;
}

/**
 * The target the flags name, or undefined when none does.
 * @throws UsageError for flags that do not fit together or a malformed name
 */
export function chooseTarget(flags: TargetFlags, env: NodeJS.ProcessEnv = process.env): ChosenTarget | undefined {
  const select = keySelection(flags);
  if (select && !flags.toS3 && !flags.toDir) throw new UsageError('--key-prefixes, --include and --exclude select S3 keys: use them with --to-s3 or --to-dir');
  if ((flags.secretArn || flags.database) && !flags.toPostgres) throw new UsageError('--secret-arn and --database go with --to-postgres');
  if (flags.toDynamodb !== undefined) {
    const table = DynamoDbTableName.safeParse(flags.toDynamodb);
    if (!table.success) throw new UsageError(`--to-dynamodb: ${table.error.issues[0]!.message}`);
    return { target: new DynamoDbRestoreTarget({ table: table.data }), kind: DYNAMODB_TYPE, where: { type: DYNAMODB_TYPE, table_name: table.data }, partial: false };
  }
  if (flags.toS3 !== undefined) {
    const { bucket, prefix } = parseS3Url(flags.toS3);
    const target = new S3RestoreTarget({ bucket, prefix, ...(select ? { select } : {}) });
    return { target, kind: S3_TYPE, where: { type: S3_TYPE, bucket, prefix }, partial: select !== undefined };
  }
  if (flags.toDir !== undefined) {
    return { target: new DirectoryRestoreTarget({ dir: flags.toDir, ...(select ? { select } : {}) }), kind: S3_TYPE, where: { type: 'directory', dir: flags.toDir }, partial: select !== undefined };
  }
  if (flags.toPostgres) {
    const type = POSTGRES_TYPES[0];
    if (flags.secretArn !== undefined) {
      const arn = SecretArn.safeParse(flags.secretArn);
      if (!arn.success) throw new UsageError(`--secret-arn: ${arn.error.issues[0]!.message}`);
      const target = new PostgresRestoreTarget({ type, secret_arn: arn.data, ...(flags.database ? { database: flags.database } : {}) });
      return { target, kind: type, where: { type, secret_arn: arn.data, ...(flags.database ? { database: flags.database } : {}) }, partial: false };
    }
    const connection = connectionFromEnv(env, flags.database);
    return { target: new PostgresRestoreTarget({ type }, { connection }), kind: type, where: { type, database: connection.database, host: `${connection.host}:${connection.port}` }, partial: false };
  }
  return undefined;
}
