/**
 * Running a job now, reading its latest run, and cancelling a run. A run
 * takes the job's lease before anything is recorded, so a second execute
 * while one runs is a 409 that writes nothing; the backup workflow's Plan
 * renews the same lease.
 */
import { IdPrefix, newId } from '../../catalog/ids.js';
import { RecordStatus, isTerminal } from '../../catalog/status.js';
import { ExecutionTrigger, JobStatus, type ExecutionRecord, type JobRecord } from '../../catalog/types.js';
import { LEASE_SECONDS } from '../../workflows/backup/plan.js';
import type { ApiDeps, Caller } from '../deps.js';
import { ConflictApiError, ServiceUnavailableApiError } from '../errors.js';
import { Machine } from '../ports.js';
import type { ExecuteJobBody } from '../schemas/executions.js';
import { executionView, jobStatusView } from '../views.js';
import { checkKeyName, checkRunCompressionLevel } from './job-checks.js';
import { Issues } from './issues.js';

function checkParameters(job: JobRecord, body: ExecuteJobBody): void {
  const issues = new Issues();
  const params = body.custom_parameters;
  checkRunCompressionLevel(job.compression, params.compression_level, 'custom_parameters.compression_level', issues);
  checkKeyName(params.encryption_key, 'custom_parameters.encryption_key', issues);
  if (params.tables) {
    const known = 'tables' in job.source && Array.isArray(job.source.tables) ? (job.source.tables as unknown[]).map(String) : null;
    if (!known) issues.add('custom_parameters.tables', `a ${job.source.type} source has no tables to choose from`);
    else {
      const unknown = params.tables.filter((t) => !known.includes(t));
      issues.check(unknown.length === 0, 'custom_parameters.tables', `not tables of the job's source: ${unknown.join(', ')}`);
    }
  }
  issues.throwIfAny('the execution parameters are not valid');
}

/**
 * Records a run that could not start as failed and frees the job.
 *
 * @returns the 503 to answer with
 */
async function abandon(deps: ApiDeps, jobId: string, executionId: string, error: unknown): Promise<ServiceUnavailableApiError> {
  await deps.catalog.executions.transition(executionId, RecordStatus.Failed, { phase: 'failed', error: { code: 'WorkflowStartFailed', message: 'the backup workflow could not be started' } }).catch(() => {});
  await deps.catalog.releaseLease(jobId, executionId).catch(() => {});
  return new ServiceUnavailableApiError('the backup workflow could not be started; retry later', { cause: error });
}

/** `POST /backup/jobs/{job_id}/execute` */
export async function executeJob(deps: ApiDeps, jobId: string, body: ExecuteJobBody, caller: Caller): Promise<Record<string, unknown>> {
  const job = await deps.catalog.getJob(jobId);
  if (job.status !== JobStatus.Active) throw new ConflictApiError('job_paused', `job ${jobId} is paused; resume it (PUT status active) to run it`, { job_id: jobId, status: job.status });
  checkParameters(job, body);
  const executionId = newId(IdPrefix.Execution, deps.now());
  await deps.catalog.acquireLease(jobId, executionId, LEASE_SECONDS);
  let execution: ExecutionRecord;
  try {
    execution = await deps.catalog.createExecution({
      execution_id: executionId,
      job_id: job.job_id,
      job_name: job.job_name,
      backup_type: body.execution_options.force_full_backup ? 'full' : job.backup_type,
      trigger: ExecutionTrigger.Manual,
      executed_by: body.executed_by ?? caller.id,
      execution_options: body.execution_options,
      custom_parameters: body.custom_parameters,
    });
  } catch (error) {
    await deps.catalog.releaseLease(jobId, executionId).catch(() => {});
    throw error;
  }
  try {
    await deps.workflows.start(Machine.Backup, executionId, {
      job_id: job.job_id,
      execution_id: executionId,
      trigger: 'api',
      execution_options: body.execution_options,
      custom_parameters: body.custom_parameters,
    });
  } catch (error) {
    throw await abandon(deps, jobId, executionId, error);
  }
  return executionView(execution);
}

/** `GET /backup/jobs/{job_id}/status`: the job's latest run. */
export async function jobStatus(deps: ApiDeps, jobId: string): Promise<Record<string, unknown>> {
  const job = await deps.catalog.getJob(jobId);
  const latest = (await deps.catalog.listExecutions({ job_id: jobId, limit: 1 })).items[0];
  return jobStatusView(job, latest);
}

/** `POST /backup/executions/{execution_id}/cancel`: records CANCELLED, stops the workflow, frees the job. */
export async function cancelExecution(deps: ApiDeps, executionId: string, reason: string | undefined, caller: Caller): Promise<Record<string, unknown>> {
  const current = await deps.catalog.getExecution(executionId);
  if (isTerminal(current.status)) {
    throw new ConflictApiError('execution_not_running', `execution ${executionId} has already ended (${current.status})`, { execution_id: executionId, status: current.status });
  }
  const message = reason ?? `cancelled by ${caller.id}`;
  const cancelled = await deps.catalog.executions.transition(executionId, RecordStatus.Cancelled, { phase: 'cancelled', error: { code: 'Cancelled', message } });
  await deps.catalog.releaseLease(current.job_id, executionId);
  try {
    await deps.workflows.stop(Machine.Backup, executionId, message);
  } catch (error) {
    throw new ServiceUnavailableApiError('the execution is recorded cancelled, but its workflow could not be stopped now; it stops at its next step', { cause: error });
  }
  return executionView(cancelled);
}
