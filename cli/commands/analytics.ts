/** `haven analytics`: success rates, sizes and storage over a period. */
import { Command } from 'commander';
import { Routes } from '../api/routes.js';
import { printJson } from '../output.js';
import { cell, col, field, renderTable, type ApiRecord } from '../table.js';
import { clientFor, jsonOption } from './context.js';

function rows(body: ApiRecord, name: string): ApiRecord[] {
  const value = body[name];
  return Array.isArray(value) ? (value as ApiRecord[]) : [];
}

/** Renders the analytics answer as an overview and three tables. */
export function renderAnalytics(body: ApiRecord): string {
  const o = (name: string) => field(body, `overview.${name}`);
  const overview = [
    `jobs      ${cell.text(o('active_jobs'))} active of ${cell.text(o('total_jobs'))}`,
    `backups   ${cell.text(o('total_backups'))} (${cell.text(o('successful_backups'))} ok, ${cell.text(o('failed_backups'))} failed)`,
    `restores  ${cell.text(o('total_restores'))} (${cell.text(o('successful_restores'))} ok, ${cell.text(o('failed_restores'))} failed)`,
    `storage   ${cell.bytes(o('total_storage_used'))} (average backup ${cell.bytes(o('average_backup_size'))})`,
  ];
  if (o('dedup_ratio') !== undefined) overview.push(`dedup     ${cell.ratio(o('dedup_ratio'))} of bytes read were already in the vault`);
  if (o('estimated_monthly_cost') !== undefined && o('estimated_monthly_cost') !== null) overview.push(`cost      ~$${Number(o('estimated_monthly_cost')).toFixed(2)} per month`);
  const sections = [overview.join('\n')];
  const jobs = rows(body, 'job_breakdown');
  if (jobs.length) sections.push(renderTable(jobs, [col('JOB', 'job_id'), col('NAME', 'job_name'), col('BACKUPS', 'backups'), col('SUCCESS', 'success_rate', cell.ratio), col('AVG SIZE', 'average_size', cell.bytes), col('AVG TIME', 'average_duration', cell.duration)]));
  const types = rows(body, 'backup_types');
  if (types.length) sections.push(renderTable(types, [col('TYPE', 'type'), col('COUNT', 'count'), col('SUCCESS', 'success_rate', cell.ratio), col('AVG SIZE', 'average_size', cell.bytes), col('AVG TIME', 'average_duration', cell.duration)]));
  const days = rows(body, 'time_series');
  if (days.length) sections.push(renderTable(days, [col('DATE', 'date'), col('BACKUPS', 'backups_created'), col('OK', 'successful_backups'), col('FAILED', 'failed_backups'), col('STORED', 'storage_used', cell.bytes)]));
  return sections.join('\n\n');
}

/** Builds the `analytics` command. */
export function analyticsCommand(): Command {
  return jsonOption(new Command('analytics'))
    .option('--from <date>', 'date_from (ISO date or date-time)')
    .option('--to <date>', 'date_to')
    .option('--job <job-id>', 'only this job')
    .description('backup and restore counts, success rates, sizes and storage')
    .action(async (flags: { from?: string; to?: string; job?: string; json?: boolean }, command: Command) => {
      const body = await clientFor(command).get<ApiRecord>(Routes.analytics, { date_from: flags.from, date_to: flags.to, job_id: flags.job });
      if (flags.json) printJson(body);
      else process.stdout.write(`${renderAnalytics(body)}\n`);
    });
}
