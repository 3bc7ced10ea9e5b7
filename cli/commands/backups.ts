/** `haven backups …`: list, inspect, verify and delete backups. */
import { Command, Option } from 'commander';
import { CliError, UsageError } from '../api/errors.js';
import { listAll } from '../api/paginate.js';
import { ListField, Routes } from '../api/routes.js';
import type { ApiRecord } from '../table.js';
import { BACKUP_DETAILS, BACKUP_ROWS, VERIFICATION_DETAILS } from './columns.js';
import { confirm } from './confirm.js';
import { clientFor, jsonOption, positiveInt, waitOptions, type WaitFlags } from './context.js';
import { buildBody } from './input-file.js';
import { listOptions, type ListFlags } from './list-flags.js';
import { waitAndShow } from './run-wait.js';
import { showList, showRecord } from './show.js';

/** Builds the `backups` command group. */
export function backupsCommand(): Command {
  const backups = new Command('backups').description('backups: list, get, verify, delete');

  jsonOption(listOptions(backups.command('list')))
    .option('--job <job-id>', 'only this job (job_id)')
    .addOption(new Option('--type <type>', 'only this backup_type').choices(['full', 'incremental', 'differential']))
    .addOption(new Option('--status <status>', 'only this status').choices(['queued', 'running', 'completed', 'failed', 'cancelled']))
    .option('--from <date>', 'created at or after (date_from: ISO date or date-time)')
    .option('--to <date>', 'created at or before (date_to; a bare date means the whole day)')
    .description('list backups, newest first')
    .action(async (flags: ListFlags & { job?: string; type?: string; status?: string; from?: string; to?: string; json?: boolean }, command: Command) => {
      const query = { job_id: flags.job, backup_type: flags.type, status: flags.status, date_from: flags.from, date_to: flags.to, limit: flags.limit, cursor: flags.cursor };
      showList(await listAll<ApiRecord>(clientFor(command), Routes.files, ListField.files, query, flags.all === true), flags.json, BACKUP_ROWS, 'backups');
    });

  jsonOption(backups.command('get').argument('<backup-id>'))
    .description('show a backup')
    .action(async (backupId: string, flags: { json?: boolean }, command: Command) => {
      showRecord(await clientFor(command).get<ApiRecord>(Routes.backup(backupId)), flags.json, BACKUP_DETAILS);
    });

  jsonOption(waitOptions(backups.command('verify').argument('<backup-id>'), 'verification'))
    .option('-f, --file <path>', "verification request JSON, or '-' for standard input")
    .addOption(new Option('--level <level>', 'quick: packs exist with their sizes; sample: read a share of the packs; checksum: read and authenticate every pack; test_restore: checksum plus a scratch restore compared with the backup').choices(['quick', 'sample', 'checksum', 'test_restore']))
    .option('--sample-percent <n>', 'with --level sample: share of the packs to read (1-100)', positiveInt('--sample-percent'))
    .option('--sample-bytes <n>', 'with --level sample: bytes of packs to read', positiveInt('--sample-bytes'))
    .description('verify a backup; with --wait, follow the verification to the end')
    .action(async (backupId: string, flags: WaitFlags & { file?: string; level?: string; samplePercent?: number; sampleBytes?: number }, command: Command) => {
      const client = clientFor(command);
      const body = await buildBody(flags.file, { level: flags.level, sample_percent: flags.samplePercent, sample_bytes: flags.sampleBytes });
      const verification = await client.post<ApiRecord>(Routes.verify(backupId), body);
      const id = verification.verification_id;
      if (!flags.wait) {
        showRecord(verification, flags.json, VERIFICATION_DETAILS);
        return;
      }
      if (typeof id !== 'string') throw new UsageError('the API did not return a verification_id to wait for');
      await waitAndShow(client, { label: `verification ${id}`, poll: (c) => c.get<ApiRecord>(Routes.verification(id)), columns: VERIFICATION_DETAILS }, flags);
    });

  backups
    .command('delete')
    .argument('<backup-id>')
    .option('-y, --yes', 'do not ask for confirmation')
    .description('delete a backup from the catalog and the vault (asks first unless --yes)')
    .action(async (backupId: string, flags: { yes?: boolean }, command: Command) => {
      if (!(await confirm(`delete backup ${backupId}? Its data cannot be restored afterwards`, flags.yes))) throw new CliError('cancelled; nothing was deleted');
      await clientFor(command).delete(Routes.backup(backupId));
      process.stdout.write(`deleted backup ${backupId}\n`);
    });

  return backups;
}
