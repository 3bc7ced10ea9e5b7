/** `haven jobs …`: define, list, change, delete and run backup jobs. */
import { Command, Option } from 'commander';
import type { ApiClient } from '../api/client.js';
import { CliError, UsageError } from '../api/errors.js';
import { ExitCode } from '../api/exit-codes.js';
import { listAll } from '../api/paginate.js';
import { ListField, Routes } from '../api/routes.js';
import { printJson } from '../output.js';
import type { ApiRecord } from '../table.js';
import { clientFor, jsonOption, waitOptions, type WaitFlags } from './context.js';
import { EXECUTION_DETAILS, JOB_DETAILS, JOB_ROWS } from './columns.js';
import { confirm } from './confirm.js';
import { buildBody, collect } from './input-file.js';
import { jobDefinitionOptions, jobFields, type JobFlags } from './job-flags.js';
import { listOptions, type ListFlags } from './list-flags.js';
import { renderRetention } from './retention.js';
import { waitAndShow, type WaitTarget } from './run-wait.js';
import { showList, showRecord } from './show.js';

/**
 * The status of a job's run, for `--wait`: the job's status route (its
 * latest run); when that is some other run (a newer one, or ours is not the
 * latest yet), our backup's own record.
 *
 * @param jobId - the job
 * @param run - the execution and backup ids to follow (the latest run when absent)
 */
export function executionTarget(jobId: string, run?: { executionId: string; backupId?: string }): WaitTarget {
  return {
    label: `backup ${run?.executionId ?? jobId}`,
    poll: async (client: ApiClient) => {
      const status = await client.get<ApiRecord>(Routes.jobStatus(jobId));
      if (!run && status.status === 'never_run') throw new CliError(`job ${jobId} has never run`, ExitCode.NotFound);
      if (!run || status.execution_id === run.executionId) return status;
      if (run.backupId) return client.get<ApiRecord>(Routes.backup(run.backupId));
      return { ...status, execution_id: run.executionId, status: 'queued', progress: 0, phase: 'queued' };
    },
    columns: EXECUTION_DETAILS,
  };
}

/** Builds the `jobs` command group. */
export function jobsCommand(): Command {
  const jobs = new Command('jobs').description('backup jobs: create, list, get, update, delete, run, status, cancel, retention');

  jsonOption(jobDefinitionOptions(jobs.command('create')))
    .description('create a job from flags and/or --file job.json')
    .action(async (flags: JobFlags & { json?: boolean }, command: Command) => {
      const body = await buildBody(flags.file, jobFields(flags), flags.set);
      if (!body.job_name) throw new UsageError('a job needs a name: --name or job_name in --file');
      const job = await clientFor(command).post<ApiRecord>(Routes.jobs, body);
      showRecord(job, flags.json, JOB_DETAILS);
    });

  jsonOption(listOptions(jobs.command('list')))
    .addOption(new Option('--status <status>', 'only active or paused jobs').choices(['active', 'paused']))
    .addOption(new Option('--type <type>', 'only this backup_type').choices(['full', 'incremental', 'differential']))
    .option('--from <date>', 'created at or after (date_from)')
    .option('--to <date>', 'created at or before (date_to)')
    .description('list jobs, newest first')
    .action(async (flags: ListFlags & { status?: string; type?: string; from?: string; to?: string; json?: boolean }, command: Command) => {
      const query = { status: flags.status, backup_type: flags.type, date_from: flags.from, date_to: flags.to, limit: flags.limit, cursor: flags.cursor };
      const page = await listAll<ApiRecord>(clientFor(command), Routes.jobs, ListField.jobs, query, flags.all === true);
      showList(page, flags.json, JOB_ROWS, 'jobs');
    });

  jsonOption(jobs.command('get').argument('<job-id>'))
    .description('show a job')
    .action(async (jobId: string, flags: { json?: boolean }, command: Command) => {
      showRecord(await clientFor(command).get<ApiRecord>(Routes.job(jobId)), flags.json, JOB_DETAILS);
    });

  jsonOption(jobDefinitionOptions(jobs.command('update').argument('<job-id>')))
    .option('--pause', 'status = paused (scheduled runs stop)')
    .option('--resume', 'status = active')
    .description('change a job: only the fields given are sent')
    .action(async (jobId: string, flags: JobFlags & { json?: boolean; pause?: boolean; resume?: boolean }, command: Command) => {
      if (flags.pause && flags.resume) throw new UsageError('--pause or --resume, not both');
      const status = flags.pause ? 'paused' : flags.resume ? 'active' : undefined;
      const body = await buildBody(flags.file, { ...jobFields(flags), status }, flags.set);
      if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give flags, --set or --file');
      showRecord(await clientFor(command).put<ApiRecord>(Routes.job(jobId), body), flags.json, JOB_DETAILS);
    });

  jobs
    .command('delete')
    .argument('<job-id>')
    .option('-y, --yes', 'do not ask for confirmation')
    .description('delete a job (its backups stay until retention removes them)')
    .action(async (jobId: string, flags: { yes?: boolean }, command: Command) => {
      if (!(await confirm(`delete job ${jobId}?`, flags.yes))) throw new CliError('cancelled; nothing was deleted');
      await clientFor(command).delete(Routes.job(jobId));
      process.stdout.write(`deleted job ${jobId}\n`);
    });

  jsonOption(jobs.command('retention').argument('<job-id>'))
    .description("dry run of the job's retention policy: which backups it keeps and would forget now (changes nothing)")
    .action(async (jobId: string, flags: { json?: boolean }, command: Command) => {
      const plan = await clientFor(command).get<ApiRecord>(Routes.jobRetention(jobId));
      if (flags.json) printJson(plan);
      else process.stdout.write(`${renderRetention(plan)}\n`);
    });

  jsonOption(waitOptions(jobs.command('run').argument('<job-id>'), 'backup'))
    .option('--full', 'force a full backup (execution_options.force_full_backup)')
    .option('--skip-verification', 'skip the post-backup verification (execution_options.skip_verification)')
    .option('--priority <priority>', 'execution_options.priority (low, normal, high)')
    .option('--param <path=value>', 'custom_parameters field (repeatable), e.g. --param compression_level=9', collect)
    .description('run a job now; with --wait, follow it to the end')
    .action(async (jobId: string, flags: WaitFlags & { full?: boolean; skipVerification?: boolean; priority?: string; param?: string[] }, command: Command) => {
      const client = clientFor(command);
      const options = { force_full_backup: flags.full === true, skip_verification: flags.skipVerification === true, ...(flags.priority ? { priority: flags.priority } : {}) };
      const custom = await buildBody(undefined, {}, flags.param);
      const execution = await client.post<ApiRecord>(Routes.execute(jobId), { execution_options: options, ...(Object.keys(custom).length ? { custom_parameters: custom } : {}) });
      if (!flags.wait) {
        showRecord(execution, flags.json, EXECUTION_DETAILS);
        return;
      }
      if (!flags.json) process.stderr.write(`started ${String(execution.execution_id)} (backup ${String(execution.backup_id ?? '-')})\n`);
      const executionId = typeof execution.execution_id === 'string' ? execution.execution_id : undefined;
      if (!executionId) throw new CliError('the API did not return an execution_id to wait for');
      await waitAndShow(client, executionTarget(jobId, { executionId, ...(typeof execution.backup_id === 'string' ? { backupId: execution.backup_id } : {}) }), flags);
    });

  jsonOption(waitOptions(jobs.command('status').argument('<job-id>'), 'run'))
    .description("show a job's latest run; with --wait, follow it to the end")
    .action(async (jobId: string, flags: WaitFlags, command: Command) => {
      const client = clientFor(command);
      const target = executionTarget(jobId);
      if (flags.wait) await waitAndShow(client, target, flags);
      else showRecord(await target.poll(client), flags.json, target.columns);
    });

  jsonOption(jobs.command('cancel').argument('<execution-id>', 'the run (exec_…), as jobs run and jobs status show it'))
    .option('--reason <text>', 'why (recorded with the run)')
    .description('cancel a queued or running backup (stops its workflow)')
    .action(async (executionId: string, flags: { reason?: string; json?: boolean }, command: Command) => {
      const cancelled = await clientFor(command).post<ApiRecord>(Routes.cancelExecution(executionId), flags.reason ? { reason: flags.reason } : {});
      showRecord(cancelled, flags.json, EXECUTION_DETAILS);
    });

  return jobs;
}
