/**
 * Jobs: create, read, list, update, delete. Every change is checked first
 * (400s by the schemas, 422s here), then written, then the job's schedule
 * is synced (EventBridge Scheduler, see docs/SCHEDULES.md: created or
 * updated when the job has a schedule, deleted when it runs on demand
 * only); a create whose schedule cannot be synced is undone.
 */
import type { JobListQuery } from '../../catalog/jobs.js';
import { JobStatus, type JobRecord, type DestinationConfig, type EncryptionSettings, type JobPatch, type NewJob, type ScheduleConfig } from '../../catalog/types.js';
import type { ApiDeps, Caller } from '../deps.js';
import { ServiceUnavailableApiError } from '../errors.js';
import type { CreateJobBody, ListJobsQuery, UpdateJobBody } from '../schemas/jobs.js';
import { jobView, listView } from '../views.js';
import { checkJobParts, type JobParts } from './job-checks.js';
import type { DestinationInput } from './job-destination.js';
import { Issues } from './issues.js';

function nextRun(deps: ApiDeps, schedule: ScheduleConfig | null, status: JobStatus): string | null {
  return deps.schedules.jobNextRun({ schedule, status }, deps.now())?.toISOString() ?? null;
}

/** Encryption as stored: always on, AES-256-GCM unless named. */
function encryptionOf(encryption: CreateJobBody['encryption']): EncryptionSettings {
  return { algorithm: 'AES-256-GCM', ...encryption, enabled: true };
}

/** `POST /backup/jobs` */
export async function createJob(deps: ApiDeps, body: CreateJobBody, caller: Caller): Promise<Record<string, unknown>> {
  const { source, retention, encryption } = body;
  const parts = { source, schedule: body.schedule ?? undefined, retention, compression: { change: body.compression ?? {} }, encryption, destination: { given: body.destination }, keyId: encryption?.key_id, ...(body.copies ? { copies: { given: body.copies } } : {}) };
  const checked = await checkJobParts(deps, parts, new Issues());
  const schedule = checked.schedule ?? null;
  const input: NewJob = {
    job_name: body.job_name,
    description: body.description ?? '',
    backup_type: body.backup_type,
    source,
    destination: checked.destination!,
    schedule,
    retention,
    ...(checked.copies?.length ? { copies: checked.copies } : {}),
    compression: checked.compression!,
    encryption: encryptionOf(encryption),
    verification: body.verification ?? { enabled: true, checksum_verification: true, integrity_check: true, test_restore: false },
    notifications: body.notifications ?? { on_success: false, on_failure: true, on_warning: false, recipients: [] },
    created_by: body.created_by ?? caller.id,
    next_run: nextRun(deps, schedule, JobStatus.Active),
  };
  const job = await deps.catalog.createJob(input);
  try {
    await deps.schedules.sync(job);
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

/**
 * `PUT /backup/jobs/{job_id}`: changes the given fields; the schedule is
 * re-synced (`schedule: null` makes the job on demand only and deletes its
 * Scheduler schedule). A compression change is merged into the stored
 * setting and normalized before it is checked, and the patch holds exactly
 * what was checked. The job's key is checked against its destination's
 * bucket whenever either changes.
 */
export async function updateJob(deps: ApiDeps, jobId: string, body: UpdateJobBody): Promise<Record<string, unknown>> {
  const current = await deps.catalog.getJob(jobId);
  const { schedule: givenSchedule, compression: givenCompression, encryption, destination: givenDestination, copies: givenCopies, ...given } = body;
  const compression = givenCompression ? { change: givenCompression, stored: current.compression } : undefined;
  const keyId = encryption ? encryption.key_id : givenDestination ? current.encryption.key_id : undefined;
  const destination = givenDestination ?? (keyId !== undefined ? storedDestination(current.destination) : undefined);
  const parts = { source: given.source, schedule: givenSchedule ?? undefined, retention: given.retention, compression, encryption, keyId, ...(destination ? { destination: { given: destination, jobId } } : {}), ...copiesToCheck(givenCopies, givenDestination, current) };
  const checked = await checkJobParts(deps, parts, new Issues());
  const schedule = givenSchedule === null ? null : (checked.schedule ?? current.schedule);
  const patch: JobPatch = {
    ...given,
    ...(checked.compression ? { compression: checked.compression } : {}),
    ...(givenDestination ? { destination: checked.destination! } : {}),
    ...(givenCopies ? { copies: checked.copies! } : {}),
    ...(givenSchedule !== undefined ? { schedule } : {}),
    ...(encryption ? { encryption: encryptionOf(encryption) } : {}),
    next_run: nextRun(deps, schedule, body.status ?? current.status),
  };
  const job = await deps.catalog.updateJob(jobId, patch);
  try {
    await deps.schedules.sync(job);
  } catch (error) {
    throw new ServiceUnavailableApiError('the job was updated but its schedule could not be synced; retry the update', { cause: error });
  }
  return jobView(job);
}

/** The copies an update checks: the given ones, or the stored ones against a new destination (which may now be one of them). */
function copiesToCheck(given: UpdateJobBody['copies'], destination: UpdateJobBody['destination'], current: JobRecord): Pick<JobParts, 'copies'> {
  const copies = given ?? (destination ? current.copies : undefined);
  return copies?.length ? { copies: { given: copies, stored: current.destination } } : given ? { copies: { given } } : {};
}

/** A stored destination as a request would give it (a job stored before destinations had fields selects the primary bucket's default vault). */
function storedDestination(stored: DestinationConfig): DestinationInput {
  const { type, bucket, path, region, encryption, storage_class } = stored;
  return { type, encryption: encryption ?? 'AES256', ...(bucket ? { bucket } : {}), ...(path !== undefined ? { path } : {}), ...(region ? { region } : {}), ...(storage_class ? { storage_class } : {}) };
}

/** `DELETE /backup/jobs/{job_id}`: refused (409) while the job runs; its backups stay. */
export async function deleteJob(deps: ApiDeps, jobId: string): Promise<void> {
  await deps.catalog.deleteJob(jobId);
  await deps.schedules.remove(jobId);
}
