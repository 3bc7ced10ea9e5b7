/**
 * Job definitions: conditional create, read, update and delete, and lists
 * newest first. A job with a live run lease cannot be deleted.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { CompressionSettingSchema } from '../../vault/compression/settings.js';
import type { CatalogContext } from './context.js';
import { InvalidRecordError, JobAlreadyRunningError, NotFoundError } from './errors.js';
import { Expression } from './expression.js';
import { checkPatch } from './fields.js';
import { checkId, IdPrefix, newId } from './ids.js';
import { conditionFailure, ConditionFailed, findRecord, getRecord, putNew, updateIf, type Item } from './items.js';
import { itemKeys, Kinds, listPartition, primaryKey } from './keys.js';
import { listPage, type Page, type PageQuery, type TimeQuery } from './pagination.js';
import { timeRange, toTimestamp } from './time.js';
import type { BackupType } from '../../vault/snapshot/snapshot.js';
import { JobStatus, type JobPatch, type JobRecord, type NewJob } from './types.js';

/** List options of jobs (the time range applies to `created_at`). */
export interface JobListQuery extends PageQuery, TimeQuery {
  status?: JobStatus;
  backup_type?: BackupType;
}

/** The fields `updateJob` may change. */
export const JOB_PATCH_FIELDS: readonly string[] = [
  'job_name',
  'description',
  'backup_type',
  'source',
  'destination',
  'schedule',
  'retention',
  'copies',
  'compression',
  'encryption',
  'verification',
  'notifications',
  'status',
  'created_by',
  'last_run',
  'next_run',
];

const JOB = Kinds.job;

/**
 * A job stores its compression setting normalized (what the API checked),
 * never a partial one a reader would have to complete.
 *
 * @throws InvalidRecordError
 */
function checkCompression(compression: unknown): void {
  const parsed = CompressionSettingSchema.safeParse(compression);
  if (!parsed.success) throw new InvalidRecordError(`a job's compression must be a normalized setting: ${z.prettifyError(parsed.error)}`);
}

/**
 * Creates a job, never over an existing one.
 *
 * @param ctx - the catalog
 * @param input - the definition (`job_id` generated when absent)
 * @returns the job as stored
 * @throws AlreadyExistsError, SecretInRecordError, InvalidRecordError (also for a compression setting that is not normalized)
 */
export async function createJob(ctx: CatalogContext, input: NewJob): Promise<JobRecord> {
  const now = ctx.timestamp();
  const jobId = checkId(input.job_id ?? newId(IdPrefix.Job, ctx.now()), JOB.kind);
  const record: JobRecord = {
    ...input,
    job_id: jobId,
    status: input.status ?? JobStatus.Active,
    created_at: toTimestamp(input.created_at ?? now, 'created_at'),
    updated_at: now,
    last_run: input.last_run ?? null,
    next_run: input.next_run ?? null,
  };
  checkPatch(record, ['job_id', 'created_at', 'updated_at', ...JOB_PATCH_FIELDS], 'a new job');
  checkCompression(record.compression);
  await putNew(ctx, JOB, jobId, itemKeys(JOB, jobId, record.created_at), record);
  return record;
}

/**
 * @param ctx - the catalog
 * @param jobId - the job
 * @returns the job, or undefined when there is none
 */
export function findJob(ctx: CatalogContext, jobId: string): Promise<JobRecord | undefined> {
  return findRecord(ctx, JOB, jobId);
}

/**
 * @param ctx - the catalog
 * @param jobId - the job
 * @returns the job
 * @throws NotFoundError
 */
export function getJob(ctx: CatalogContext, jobId: string): Promise<JobRecord> {
  return getRecord(ctx, JOB, jobId);
}

/**
 * Changes a job's definition, if the job exists.
 *
 * @param ctx - the catalog
 * @param jobId - the job
 * @param patch - the fields to change (undefined entries are left alone)
 * @returns the job after the update
 * @throws NotFoundError, SecretInRecordError, InvalidRecordError
 */
export async function updateJob(ctx: CatalogContext, jobId: string, patch: JobPatch): Promise<JobRecord> {
  checkPatch(patch, JOB_PATCH_FIELDS, 'a job update');
  if (patch.compression !== undefined) checkCompression(patch.compression);
  const out = await updateIf<JobRecord>(ctx, JOB, jobId, (e) => ({
    update: e.update({ ...patch, updated_at: ctx.timestamp() }),
    condition: `attribute_exists(${e.name('pk')})`,
  }));
  if (out instanceof ConditionFailed) throw new NotFoundError(JOB.kind, jobId);
  return out;
}

/**
 * Deletes a job, unless a run holds its lease. Its executions stay (history).
 *
 * @param ctx - the catalog
 * @param jobId - the job
 * @throws NotFoundError, JobAlreadyRunningError
 */
export async function deleteJob(ctx: CatalogContext, jobId: string): Promise<void> {
  const e = new Expression();
  const owner = e.name('lease_owner');
  const condition = `attribute_exists(${e.name('pk')}) AND (attribute_not_exists(${owner}) OR ${e.name('lease_expires_at')} < ${e.value(ctx.timestamp())})`;
  try {
    await ctx.doc.send(
      new DeleteCommand({ TableName: ctx.table, Key: primaryKey(JOB, jobId), ConditionExpression: condition, ...e.params(), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
    );
  } catch (error) {
    throw leaseConflict(jobId, conditionFailure(error).current);
  }
}

/**
 * The error for a write refused because of a job's state.
 *
 * @param jobId - the job
 * @param current - the job item as it was (undefined when there is none)
 * @returns NotFoundError when there is no job, else JobAlreadyRunningError naming the lease holder
 */
export function leaseConflict(jobId: string, current: Item | undefined): NotFoundError | JobAlreadyRunningError {
  if (!current) return new NotFoundError(JOB.kind, jobId);
  return new JobAlreadyRunningError(jobId, String(current.lease_owner), String(current.lease_expires_at));
}

/**
 * Lists jobs newest first.
 *
 * @param ctx - the catalog
 * @param query - status filter, creation-time range, page options
 * @returns one page
 */
export async function listJobs(ctx: CatalogContext, query: JobListQuery = {}): Promise<Page<JobRecord>> {
  return listPage(ctx, listPartition(JOB, timeRange(query.date_from, query.date_to)), { status: query.status, backup_type: query.backup_type }, query);
}
