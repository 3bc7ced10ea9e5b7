/**
 * The job definition flags shared by `jobs create` and `jobs update`: the
 * common fields as flags, the rest from `--file` or `--set`.
 */
import { Option, type Command } from 'commander';
import { COMPRESSION_ALGORITHMS, describeCompressionLevels } from '../../vault/compression/settings.js';
import { PACK_STORAGE_CLASSES } from '../../vault/storage/storage-class.js';
import { UsageError } from '../api/errors.js';
import { positiveInt } from './context.js';
import { collect, commaList } from './input-file.js';

/** Values of the job definition flags. */
export interface JobFlags {
  file?: string;
  set?: string[];
  name?: string;
  description?: string;
  type?: string;
  sourceType?: string;
  table?: string;
  bucket?: string;
  prefix?: string;
  secretArn?: string;
  /** A frequency, or false for `--no-schedule` (on demand only). */
  schedule?: string | false;
  at?: string;
  timezone?: string;
  scheduleEnabled?: boolean;
  keepDays?: number;
  keepWeeks?: number;
  keepMonths?: number;
  keepYears?: number;
  compression?: string;
  compressionLevel?: number;
  kmsKey?: string;
  storageClass?: string;
  vaultBucket?: string;
  vaultPath?: string;
  vaultRegion?: string;
  verify?: boolean;
  notify?: string[];
  createdBy?: string;
}

/** Adds the job definition flags to a command. */
export function jobDefinitionOptions(command: Command): Command {
  return command
    .option('-f, --file <path>', "job definition JSON (seed field names), or '-' for standard input; flags override it")
    .option('--set <path=value>', 'set any field, e.g. --set source.consistent_read=true (repeatable; value parsed as JSON when it can be)', collect)
    .option('--name <name>', 'job_name')
    .option('--description <text>', 'description')
    .addOption(new Option('--type <type>', 'backup_type').choices(['full', 'incremental', 'differential']))
    .option('--source-type <type>', 'source.type (dynamodb, s3, postgres…)')
    .option('--table <name>', 'source.table_name (DynamoDB)')
    .option('--bucket <name>', 'source.bucket (S3)')
    .option('--prefix <prefix>', 'source.prefix (S3)')
    .option('--secret-arn <arn>', "source.secret_arn: the Secrets Manager secret with the source's credentials")
    .option('--schedule <frequency>', 'schedule.frequency (hourly, daily, weekly, monthly, or a cron expression)')
    .option('--no-schedule', 'no schedule: the job runs only on demand (haven jobs run); on update, removes its schedule')
    .option('--at <HH:MM>', 'schedule.time')
    .option('--timezone <tz>', 'schedule.timezone (IANA, e.g. Europe/Paris)')
    .option('--schedule-enabled', 'schedule.enabled = true')
    .option('--no-schedule-enabled', 'schedule.enabled = false')
    .option('--keep-days <n>', 'retention.days', positiveInt('--keep-days'))
    .option('--keep-weeks <n>', 'retention.weeks', positiveInt('--keep-weeks'))
    .option('--keep-months <n>', 'retention.months', positiveInt('--keep-months'))
    .option('--keep-years <n>', 'retention.years', positiveInt('--keep-years'))
    .addOption(new Option('--compression <algorithm>', 'compression.algorithm').choices(COMPRESSION_ALGORITHMS))
    .option('--compression-level <n>', `compression.level: ${describeCompressionLevels()}`, positiveInt('--compression-level'))
    .option('--kms-key <id>', 'encryption.key_id')
    .option('--vault-bucket <name>', "destination.bucket: one of the deployment's vault buckets (default: the stack's own)")
    .option('--vault-path <prefix>', "destination.path: the vault's key prefix in that bucket (default: the bucket's default vault)")
    .option('--vault-region <region>', "destination.region: the vault bucket's region (checked)")
    .addOption(new Option('--storage-class <class>', "destination.storage_class of the packs the job's backups write").choices(PACK_STORAGE_CLASSES))
    .option('--verify', 'verification.enabled = true')
    .option('--no-verify', 'verification.enabled = false')
    .option('--notify <emails>', 'notifications.recipients (comma-separated; on success and failure)', commaList)
    .option('--created-by <id>', 'created_by (the API defaults it to the caller)');
}

/**
 * @param flags - parsed flag values
 * @returns dotted field path → value, for the flags given (`--no-schedule`: `schedule: null`)
 * @throws UsageError for `--no-schedule` with schedule settings
 */
export function jobFields(flags: JobFlags): Record<string, unknown> {
  const compression = flags.compression === undefined ? undefined : flags.compression !== 'none';
  const frequency = typeof flags.schedule === 'string' ? flags.schedule : undefined;
  if (flags.schedule === false && [flags.at, flags.timezone, flags.scheduleEnabled].some((v) => v !== undefined)) {
    throw new UsageError('--no-schedule takes no --at, --timezone or --schedule-enabled');
  }
  const destination = [flags.vaultBucket, flags.vaultPath, flags.vaultRegion, flags.storageClass].some((v) => v !== undefined);
  return {
    schedule: flags.schedule === false ? null : undefined,
    job_name: flags.name,
    description: flags.description,
    backup_type: flags.type,
    'source.type': flags.sourceType,
    'source.table_name': flags.table,
    'source.bucket': flags.bucket,
    'source.prefix': flags.prefix,
    'source.secret_arn': flags.secretArn,
    'schedule.frequency': frequency,
    'schedule.time': flags.at,
    'schedule.timezone': flags.timezone,
    'schedule.enabled': flags.scheduleEnabled ?? (frequency !== undefined ? true : undefined),
    'retention.days': flags.keepDays,
    'retention.weeks': flags.keepWeeks,
    'retention.months': flags.keepMonths,
    'retention.years': flags.keepYears,
    'compression.enabled': compression,
    'compression.algorithm': compression ? flags.compression : undefined,
    'compression.level': flags.compressionLevel,
    'encryption.key_id': flags.kmsKey,
    'encryption.enabled': flags.kmsKey !== undefined ? true : undefined,
    'destination.type': destination ? 'vault' : undefined,
    'destination.bucket': flags.vaultBucket,
    'destination.path': flags.vaultPath,
    'destination.region': flags.vaultRegion,
    'destination.storage_class': flags.storageClass,
    'verification.enabled': flags.verify,
    'notifications.recipients': flags.notify,
    'notifications.on_success': flags.notify ? true : undefined,
    'notifications.on_failure': flags.notify ? true : undefined,
    created_by: flags.createdBy,
  };
}
