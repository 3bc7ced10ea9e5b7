/**
 * Jobs: create, read, list, update, delete. Every change is checked first
 * (400s by the schemas, 422s here), then written, then the job's schedule
 * is synced (EventBridge Scheduler, see docs/SCHEDULES.md); a create whose
 * schedule cannot be synced is undone.
 */
import type { JobListQuery } from '../../catalog/jobs.js';
import { JobStatus, type JobPatch, type NewJob, type ScheduleConfig, type SourceConfig } from '../../catalog/types.js';
import type { ApiDeps, Caller } from '../deps.js';
import { ServiceUnavailableApiError } from '../errors.js';
import type { CreateJobBody, ListJobsQuery, UpdateJobBody } from '../schemas/jobs.js';
import { jobView, listView } from '../views.js';
import { checkJobParts } from './job-checks.js';
import { Issues } from './issues.js';

function nextRun(deps: ApiDeps, schedule: ScheduleConfig, status: JobStatus): string | null {
  return deps.schedules.jobNextRun({ schedule, status }, deps.now())?.toISOString() ?? null;
}

/** `POST /backup/jobs` */
export async function createJob(deps: ApiDeps, body: CreateJobBody, caller: Caller): Promise<Record<string, unknown>> {
  const source = body.source as SourceConfig;
  const schedule = (await checkJobParts(deps, { source, schedule: body.schedule, retention: body.retention, compression: body.compression, encryption: body.encryption }, new Issues()))!;
  const input: NewJob = {
    job_name: body.job_name,
    description: body.description ?? '',
    backup_type: body.backup_type,
    source,
    destination: body.destination ?? { type: 'vault' },
    schedule,
    retention: body.retention,
    compression: body.compression ?? { enabled: true, algorithm: 'zstd', level: 3 },
    encryption: { algorithm: 'AES-256-GCM', ...body.encryption, enabled: true },
    verification: body.verification ?? { enabled: true, checksum_verification: true, integrity_check: true, test_restore: false },
    notifications: body.notifications ?? { on_success: false, on_failure: true, on_warning: false, recipients: [] },
    created_by: body.created_by ?? caller.id,
    next_run: nextRun(deps, schedule, JobStatus.Active),
  };
  const job = await deps.catalog.createJob(input);
  try {
    await deps.schedules.upsert(job);
  } catch (error) {
    await deps.catalog.deleteJob(job.job_id).catch(() => {});
    throw new ServiceUnavailableApiError('the job could not be scheduled; nothing was created', { cause: error });
  }
  return jobView(job);
}

/** `GET /backup/jobs/{job_id}` */
export async function getJob(deps: ApiDeps, jobId: string): Promise<Record<string, unknown>> {
  return jobView(await deps.catalog.getJob(jobId));
}

/** `GET /backup/jobs` */
export async function listJobs(deps: ApiDeps, query: ListJobsQuery): Promise<Record<string, unknown>> {
  const { status, backup_type, date_from, date_to, limit, offset, cursor } = query;
  const listQuery: JobListQuery = { status, backup_type, date_from, date_to, limit, offset: offset ?? 0, cursor, with_total: true };
  const page = await deps.catalog.listJobs(listQuery);
  return listView('jobs', page, jobView, { status, backup_type, date_from, date_to });
}

/** `PUT /backup/jobs/{job_id}`: changes the given fields; the schedule is re-synced. */
export async function updateJob(deps: ApiDeps, jobId: string, body: UpdateJobBody): Promise<Record<string, unknown>> {
  const current = await deps.catalog.getJob(jobId);
  const source = body.source as SourceConfig | undefined;
  const compression = body.compression ? { ...current.compression, ...body.compression } : undefined;
  const schedule = await checkJobParts(deps, { source, schedule: body.schedule, retention: body.retention, compression, encryption: body.encryption }, new Issues());
  const patch: JobPatch = { ...(body as JobPatch), ...(schedule ? { schedule } : {}) };
  if (body.encryption) patch.encryption = { algorithm: 'AES-256-GCM', ...body.encryption, enabled: true };
  patch.next_run = nextRun(deps, schedule ?? current.schedule, body.status ?? current.status);
  const job = await deps.catalog.updateJob(jobId, patch);
  try {
    await deps.schedules.upsert(job);
  } catch (error) {
    throw new ServiceUnavailableApiError('the job was updated but its schedule could not be synced; retry the update', { cause: error });
  }
  return jobView(job);
}

/** `DELETE /backup/jobs/{job_id}`: refused (409) while the job runs; its backups stay. */
export async function deleteJob(deps: ApiDeps, jobId: string): Promise<void> {
  await deps.catalog.deleteJob(jobId);
  await deps.schedules.remove(jobId);
}
