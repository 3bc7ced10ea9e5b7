/** `haven restores …`: start restores and follow them. */
import { Command, Option } from 'commander';
import { ConflictPolicySchema } from '../../sources/config-fields.js';
import { UsageError } from '../api/errors.js';
import { listAll } from '../api/paginate.js';
import { ListField, Routes } from '../api/routes.js';
import type { ApiRecord } from '../table.js';
import { RESTORE_DETAILS, RESTORE_ROWS } from './columns.js';
import { clientFor, jsonOption, positiveInt, waitOptions, type WaitFlags } from './context.js';
import { buildBody, collect, commaList } from './input-file.js';
import { listOptions, type ListFlags } from './list-flags.js';
import { waitAndShow, type WaitTarget } from './run-wait.js';
import { showList, showRecord } from './show.js';

interface StartFlags extends WaitFlags {
  file?: string;
  set?: string[];
  name?: string;
  description?: string;
  targetType?: string;
  table?: string;
  bucket?: string;
  prefix?: string;
  conflict?: string;
  createTables: boolean;
  safetyBackup: boolean;
  at?: string;
  partitions?: string[];
  keyPrefixes?: string[];
  include?: string[];
  exclude?: string[];
  parallel?: number;
  verifyAfter: boolean;
}

/** The status of one restore, for `--wait`. */
function restoreTarget(restoreId: string): WaitTarget {
  return { label: `restore ${restoreId}`, poll: (client) => client.get<ApiRecord>(Routes.restoreStatus(restoreId)), columns: RESTORE_DETAILS };
}

/** Builds the `restores` command group. */
export function restoresCommand(): Command {
  const restores = new Command('restores').description('restores: start, list, status');

  jsonOption(waitOptions(restores.command('start').argument('[backup-id]', 'the backup to restore (or backup_id in --file)'), 'restore'))
    .option('-f, --file <path>', "restore request JSON (seed field names), or '-' for standard input; flags override it")
    .option('--set <path=value>', 'set any field, e.g. --set restore_options.skip_indexes=true (repeatable)', collect)
    .option('--name <name>', 'restore_name (default: "restore of <backup-id>")')
    .option('--description <text>', 'description')
    .option('--target-type <type>', 'destination.type: dynamodb or s3')
    .option('--table <name>', 'destination.table_name (DynamoDB)')
    .option('--bucket <name>', 'destination.bucket (S3)')
    .option('--prefix <prefix>', 'destination.prefix (S3)')
    .addOption(new Option('--conflict <policy>', 'restore_options.conflict_policy: what to do with existing data').choices(ConflictPolicySchema.options))
    .option('--no-create-tables', 'restore_options.create_missing_tables = false')
    .option('--no-safety-backup', 'with --conflict overwrite: skip backing the target up first')
    .option('--at <timestamp>', "restore_options.target_timestamp: the job's newest backup at or before this time")
    .option('--partitions <names>', 'restore_options.partitions (comma-separated)', commaList)
    .option('--key-prefixes <prefixes>', 'restore_options.key_prefixes: only S3 keys under these (comma-separated)', commaList)
    .option('--include <globs>', 'restore_options.include globs (comma-separated)', commaList)
    .option('--exclude <globs>', 'restore_options.exclude globs (comma-separated)', commaList)
    .option('--parallel <n>', 'restore_options.max_parallel_jobs', positiveInt('--parallel'))
    .option('--no-verify-after', 'restore_options.verify_after_restore = false')
    .description('restore a backup into a target; with --wait, follow it to the end')
    .action(async (backupId: string | undefined, flags: StartFlags, command: Command) => {
      const body = await buildBody(
        flags.file,
        {
          backup_id: backupId,
          restore_name: flags.name,
          description: flags.description,
          'destination.type': flags.targetType,
          'destination.table_name': flags.table,
          'destination.bucket': flags.bucket,
          'destination.prefix': flags.prefix,
          'restore_options.conflict_policy': flags.conflict,
          'restore_options.create_missing_tables': flags.createTables === false ? false : undefined,
          'restore_options.safety_backup': flags.safetyBackup === false ? false : undefined,
          'restore_options.target_timestamp': flags.at,
          'restore_options.partitions': flags.partitions,
          'restore_options.key_prefixes': flags.keyPrefixes,
          'restore_options.include': flags.include,
          'restore_options.exclude': flags.exclude,
          'restore_options.max_parallel_jobs': flags.parallel,
          'restore_options.verify_after_restore': flags.verifyAfter === false ? false : undefined,
        },
        flags.set,
      );
      if (typeof body.backup_id !== 'string') throw new UsageError('which backup? give <backup-id> or backup_id in --file');
      if (typeof body.destination !== 'object') throw new UsageError('where to? give --target-type with --table or --bucket, or destination in --file');
      body.restore_name ??= `restore of ${body.backup_id}`;
      const client = clientFor(command);
      const restore = await client.post<ApiRecord>(Routes.restores, body);
      if (!flags.wait) {
        showRecord(restore, flags.json, RESTORE_DETAILS);
        return;
      }
      if (typeof restore.restore_id !== 'string') throw new UsageError('the API did not return a restore_id to wait for');
      if (!flags.json) process.stderr.write(`started ${restore.restore_id}\n`);
      await waitAndShow(client, restoreTarget(restore.restore_id), flags);
    });

  jsonOption(listOptions(restores.command('list')))
    .option('--backup <backup-id>', 'only restores of this backup')
    .addOption(new Option('--status <status>', 'only this status').choices(['queued', 'running', 'completed', 'failed', 'cancelled']))
    .option('--from <date>', 'created at or after (date_from)')
    .option('--to <date>', 'created at or before (date_to)')
    .description('list restores, newest first')
    .action(async (flags: ListFlags & { backup?: string; status?: string; from?: string; to?: string; json?: boolean }, command: Command) => {
      const query = { backup_id: flags.backup, status: flags.status, date_from: flags.from, date_to: flags.to, limit: flags.limit, cursor: flags.cursor };
      showList(await listAll<ApiRecord>(clientFor(command), Routes.restores, ListField.restores, query, flags.all === true), flags.json, RESTORE_ROWS, 'restores');
    });

  jsonOption(waitOptions(restores.command('status').argument('<restore-id>'), 'restore'))
    .description("show a restore's status; with --wait, follow it to the end")
    .action(async (restoreId: string, flags: WaitFlags, command: Command) => {
      const client = clientFor(command);
      const target = restoreTarget(restoreId);
      if (flags.wait) await waitAndShow(client, target, flags);
      else showRecord(await target.poll(client), flags.json, target.columns);
    });

  return restores;
}
