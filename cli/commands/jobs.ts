/** `haven jobs …`: define, list, change, delete and run backup jobs. */
import { Command } from 'commander';
import type { ApiClient } from '../api/client.js';
import { CliError, UsageError } from '../api/errors.js';
import { listAll } from '../api/paginate.js';
import { ListField, Routes } from '../api/routes.js';
import type { ApiRecord } from '../table.js';
import { clientFor, jsonOption, waitOptions, type WaitFlags } from './context.js';
import { EXECUTION_DETAILS, JOB_DETAILS, JOB_ROWS } from './columns.js';
import { confirm } from './confirm.js';
import { buildBody, collect } from './input-file.js';
import { jobDefinitionOptions, jobFields, type JobFlags } from './job-flags.js';
import { listOptions, type ListFlags } from './list-flags.js';
import { waitAndShow, type WaitTarget } from './run-wait.js';
import { showList, showRecord } from './show.js';

/** The status of one execution of a job, for `--wait`. */
export function executionTarget(jobId: string, executionId: string | undefined): WaitTarget {
  return {
    label: `backup ${executionId ?? jobId}`,
    poll: async (client: ApiClient) => {
      const status = await client.get<ApiRecord>(Routes.jobStatus(jobId), executionId ? { execution_id: executionId } : undefined);
      // Until the new execution is the job's latest, it is still being queued.
      if (executionId && status.execution_id !== undefined && status.execution_id !== executionId) return { ...status, execution_id: executionId, status: 'queued', progress: 0, phase: 'queued' };
      return status;
    },
    columns: EXECUTION_DETAILS,
  };
}

/** Builds the `jobs` command group. */
export function jobsCommand(): Command {
  const jobs = new Command('jobs').description('backup jobs: create, list, get, update, delete, run, status');

  jsonOption(jobDefinitionOptions(jobs.command('create')))
    .description('create a job from flags and/or --file job.json')
    .action(async (flags: JobFlags & { json?: boolean }, command: Command) => {
      const body = await buildBody(flags.file, jobFields(flags), flags.set);
      if (!body.job_name) throw new UsageError('a job needs a name: --name or job_name in --file');
      const job = await clientFor(command).post<ApiRecord>(Routes.jobs, body);
      showRecord(job, flags.json, JOB_DETAILS);
    });

  jsonOption(listOptions(jobs.command('list')))
    .option('--status <status>', 'active or paused')
    .description('list jobs')
    .action(async (flags: ListFlags & { status?: string; json?: boolean }, command: Command) => {
      const page = await listAll<ApiRecord>(clientFor(command), Routes.jobs, ListField.jobs, { status: flags.status, limit: flags.limit, cursor: flags.cursor }, flags.all === true);
      showList(page, flags.json, JOB_ROWS, 'jobs');
    });

  jsonOption(jobs.command('get').argument('<job-id>'))
    .description('show a job')
    .action(async (jobId: string, flags: { json?: boolean }, command: Command) => {
      showRecord(await clientFor(command).get<ApiRecord>(Routes.job(jobId)), flags.json, JOB_DETAILS);
    });

  jsonOption(jobDefinitionOptions(jobs.command('update').argument('<job-id>')))
    .option('--resume', 'status = active')
    .description('change a job: only the fields given are sent')
    .action(async (jobId: string, flags: JobFlags & { json?: boolean; resume?: boolean }, command: Command) => {
      const body = await buildBody(flags.file, { ...jobFields(flags), ...(flags.resume ? { status: 'active' } : {}) }, flags.set);
      if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give flags, --set or --file');
      showRecord(await clientFor(command).patch<ApiRecord>(Routes.job(jobId), body), flags.json, JOB_DETAILS);
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
      await waitAndShow(client, executionTarget(jobId, typeof execution.execution_id === 'string' ? execution.execution_id : undefined), flags);
    });

  jsonOption(waitOptions(jobs.command('status').argument('<job-id>'), 'run'))
    .option('--execution <id>', 'a specific execution (default: the latest)')
    .description("show a job's latest (or a given) execution; with --wait, follow it to the end")
    .action(async (jobId: string, flags: WaitFlags & { execution?: string }, command: Command) => {
      const client = clientFor(command);
      const target = executionTarget(jobId, flags.execution);
      if (flags.wait) await waitAndShow(client, target, flags);
      else showRecord(await target.poll(client), flags.json, target.columns);
    });

  return jobs;
}
