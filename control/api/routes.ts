/**
 * The API's route table (seed 001): every route the router serves, the
 * OpenAPI document describes and API Gateway exposes. Rate limits are the
 * seed's, per hour.
 */
import { z } from 'zod';
import { buildOpenApi } from './openapi.js';
import { route, type ApiRoute } from './route.js';
import { BackupId, DateQuery, ExecutionId, JobId, RestoreId } from './schemas/common.js';
import { CancelExecutionBody, ExecuteJobBody, ExecutionSchema, JobStatusSchema } from './schemas/executions.js';
import { BackupSchema, FileListSchema, ListFilesQuery } from './schemas/files.js';
import { CreateJobBody, JobListSchema, JobSchema, ListJobsQuery, UpdateJobBody } from './schemas/jobs.js';
import { CreateRestoreBody, ListRestoresQuery, RestoreListSchema, RestoreSchema, RestoreStatusSchema } from './schemas/restores.js';
import { cancelExecution, executeJob, jobStatus } from './services/executions.js';
import { getBackup, listFiles } from './services/files.js';
import { createJob, deleteJob, getJob, listJobs, updateJob } from './services/jobs.js';
import { createRestore, listRestores, restoreStatus } from './services/restores.js';
import { AnalyticsQuerySchema, AnalyticsSchema } from '../analytics/schema.js';
import { RetentionPlanSchema } from './schemas/retention.js';
import { VerificationId, VerificationSchema, VerifyBackupBody } from './schemas/verifications.js';
import { getAnalytics } from './services/analytics.js';
import { deleteBackupRoute, jobRetention } from './services/backups.js';
import { getVerification, verifyBackup } from './services/verifications.js';
import { RETENTION_MAX } from './services/job-checks.js';

const JobParams = z.strictObject({ job_id: JobId });
const ExecutionParams = z.strictObject({ execution_id: ExecutionId });
const BackupParams = z.strictObject({ backup_id: BackupId });
const RestoreParams = z.strictObject({ restore_id: RestoreId });
const VerificationParams = z.strictObject({ verification_id: VerificationId });
/** `GET /backup/analytics` query: the analytics module's filters (dates and ids as every list takes them), no others. */
const AnalyticsQuery = z.strictObject({ ...AnalyticsQuerySchema.shape, ...DateQuery, job_id: JobId.optional().meta({ description: 'Only this job' }) });

/** `DELETE /backup/backups/{backup_id}` body: the backup as marked deleted. */
export const DeletedBackupSchema = BackupSchema.extend({ deleted_at: z.string().nullable(), deleted_by: z.string().nullable() }).meta({ id: 'DeletedBackup' });

/** `GET /health` body. */
export const HealthSchema = z.object({ status: z.literal('healthy'), service: z.literal('haven'), version: z.string() }).meta({ id: 'Health' });

/** The 422 of every date window (the catalog's `timeRange`). */
const DATE_WINDOW_RULE = 'date_from is after date_to, or a date with its offset applied falls outside 0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z';
/** 422s of every list: what the date filters and the cursor must also be. */
const LIST_RULES = [DATE_WINDOW_RULE, 'cursor is not a next_cursor this list issued for the same filters'] as const;

/** 422s of creating or changing a job: what the schedules, retention, compression and source modules check. */
const JOB_RULES = [
  'schedule is not one the schedules module accepts (an unknown frequency, a bad cron or rate expression, a time, day_of_week or day_of_month that does not fit the frequency, an unknown IANA time zone; docs/SCHEDULES.md)',
  `retention: a count outside 0 to its maximum (${Object.entries(RETENTION_MAX).map(([k, v]) => `${k} ${v}`).join(', ')}), a keep_within Haven cannot read, or no rule that keeps a backup`,
  "compression.level is not one of its algorithm's levels",
  "destination.bucket is not one of the deployment's vault buckets (the issue lists them), destination.region is not the bucket's region, or destination.path is not a usable key prefix (`..`, empty segments, wildcards, over 512 characters) or nests in another vault",
  'encryption.enabled is false (Haven always encrypts)',
  "encryption.key_id: not a KMS key reference (a key id, key ARN, alias name with or without alias/, or alias ARN), no such KMS key, or not usable by Haven (not the destination bucket's key, not enabled, or not describable; the issue names the key Haven uses)",
  'source does not exist, is not granted to this deployment, or its settings do not fit its type',
] as const;

/** The seed's rate limits, per hour per admin. */
export const RATE_LIMITS = { createJob: 10, execute: 50, createRestore: 5, verify: 20 } as const;

/** Every route the API serves. */
export const API_ROUTES: readonly ApiRoute[] = [
  route({
    method: 'GET', path: '/health', operationId: 'getHealth', summary: 'Whether the API is up', tag: 'service', invalidError: 'invalid_request',
    success: { status: 200, description: 'Healthy', schema: HealthSchema }, errors: [],
    handle: async (deps) => ({ status: 'healthy', service: 'haven', version: deps.version }),
  }),
  route({
    method: 'GET', path: '/openapi.json', operationId: 'getOpenApi', summary: 'This OpenAPI document', tag: 'service', invalidError: 'invalid_request',
    success: { status: 200, description: 'The OpenAPI 3.1 document' }, errors: [],
    handle: async (deps) => buildOpenApi(API_ROUTES, deps.version),
  }),
  route({
    method: 'POST', path: '/backup/jobs', operationId: 'createJob', summary: 'Create a backup job', tag: 'jobs', body: CreateJobBody, invalidError: 'invalid_backup_config',
    success: { status: 201, description: 'The job as created', schema: JobSchema }, errors: [409, 503], unprocessable: JOB_RULES, rateLimitPerHour: RATE_LIMITS.createJob,
    handle: (deps, { body, caller }) => createJob(deps, body, caller),
  }),
  route({
    method: 'GET', path: '/backup/jobs', operationId: 'listJobs', summary: 'List jobs, newest first', tag: 'jobs', query: ListJobsQuery, invalidError: 'invalid_query',
    success: { status: 200, description: 'One page of jobs', schema: JobListSchema }, errors: [], unprocessable: LIST_RULES,
    handle: (deps, { query }) => listJobs(deps, query),
  }),
  route({
    method: 'GET', path: '/backup/jobs/{job_id}', operationId: 'getJob', summary: 'Read a job', tag: 'jobs', params: JobParams, invalidError: 'invalid_request',
    success: { status: 200, description: 'The job', schema: JobSchema }, errors: [404],
    handle: (deps, { params }) => getJob(deps, params.job_id),
  }),
  route({
    method: 'PUT', path: '/backup/jobs/{job_id}', operationId: 'updateJob', summary: 'Change a job (the fields given); status pauses or resumes it', tag: 'jobs', params: JobParams, body: UpdateJobBody, invalidError: 'invalid_backup_config',
    success: { status: 200, description: 'The job as updated', schema: JobSchema }, errors: [404, 503], unprocessable: JOB_RULES,
    handle: (deps, { params, body }) => updateJob(deps, params.job_id, body),
  }),
  route({
    method: 'DELETE', path: '/backup/jobs/{job_id}', operationId: 'deleteJob', summary: 'Delete a job that is not running (its backups stay)', tag: 'jobs', params: JobParams, invalidError: 'invalid_request',
    success: { status: 204, description: 'Deleted' }, errors: [404, 409],
    handle: async (deps, { params }) => void (await deleteJob(deps, params.job_id)),
  }),
  route({
    method: 'POST', path: '/backup/jobs/{job_id}/execute', operationId: 'executeJob', summary: 'Run a job now', tag: 'executions', params: JobParams, body: ExecuteJobBody, bodyOptional: true, invalidError: 'invalid_execution_options',
    success: { status: 202, description: 'The run, queued', schema: ExecutionSchema }, errors: [404, 409, 503], rateLimitPerHour: RATE_LIMITS.execute,
    unprocessable: [
      "custom_parameters.compression_level is not one of the job's compression algorithm's levels",
      'custom_parameters.encryption_key is not a KMS key reference (key id, key ARN, alias name with or without alias/, or alias ARN)',
      "custom_parameters.tables names a table the job's source does not back up, or the source has no tables to choose from",
    ],
    handle: (deps, { params, body, caller }) => executeJob(deps, params.job_id, body, caller),
  }),
  route({
    method: 'GET', path: '/backup/jobs/{job_id}/status', operationId: 'getJobStatus', summary: "The job's latest run", tag: 'executions', params: JobParams, invalidError: 'invalid_request',
    success: { status: 200, description: 'The latest run', schema: JobStatusSchema }, errors: [404],
    handle: (deps, { params }) => jobStatus(deps, params.job_id),
  }),
  route({
    method: 'POST', path: '/backup/executions/{execution_id}/cancel', operationId: 'cancelExecution', summary: 'Cancel a run (stops its workflow)', tag: 'executions', params: ExecutionParams, body: CancelExecutionBody, bodyOptional: true, invalidError: 'invalid_request',
    success: { status: 200, description: 'The run, cancelled', schema: ExecutionSchema }, errors: [404, 409, 503],
    handle: (deps, { params, body, caller }) => cancelExecution(deps, params.execution_id, body.reason, caller),
  }),
  route({
    method: 'GET', path: '/backup/files', operationId: 'listFiles', summary: 'List backups, newest first', tag: 'backups', query: ListFilesQuery, invalidError: 'invalid_query',
    success: { status: 200, description: 'One page of backups', schema: FileListSchema }, errors: [], unprocessable: LIST_RULES,
    handle: (deps, { query }) => listFiles(deps, query),
  }),
  route({
    method: 'GET', path: '/backup/backups/{backup_id}', operationId: 'getBackup', summary: 'Read a backup', tag: 'backups', params: BackupParams, invalidError: 'invalid_request',
    success: { status: 200, description: 'The backup', schema: BackupSchema }, errors: [404],
    handle: (deps, { params }) => getBackup(deps, params.backup_id),
  }),
  route({
    method: 'DELETE', path: '/backup/backups/{backup_id}', operationId: 'deleteBackup', summary: 'Delete a backup: its snapshot leaves the vault (prune frees its packs later); its record stays, marked deleted', tag: 'backups', params: BackupParams, invalidError: 'invalid_request',
    success: { status: 200, description: 'The backup, marked deleted (deleting it again answers the same)', schema: DeletedBackupSchema }, errors: [404, 409],
    handle: (deps, { params }) => deleteBackupRoute(deps, params.backup_id),
  }),
  route({
    method: 'POST', path: '/backup/backups/{backup_id}/verify', operationId: 'verifyBackup', summary: 'Verify a completed backup (the verify workflow runs it)', tag: 'verifications', params: BackupParams, body: VerifyBackupBody, bodyOptional: true, invalidError: 'invalid_verification_request',
    success: { status: 202, description: 'The verification, queued', schema: VerificationSchema }, errors: [404, 409, 503], rateLimitPerHour: RATE_LIMITS.verify,
    handle: (deps, { params, body, caller }) => verifyBackup(deps, params.backup_id, body, caller),
  }),
  route({
    method: 'GET', path: '/backup/verifications/{verification_id}', operationId: 'getVerification', summary: "A verification's progress and result", tag: 'verifications', params: VerificationParams, invalidError: 'invalid_request',
    success: { status: 200, description: 'The verification', schema: VerificationSchema }, errors: [404],
    handle: (deps, { params }) => getVerification(deps, params.verification_id),
  }),
  route({
    method: 'GET', path: '/backup/jobs/{job_id}/retention', operationId: 'getJobRetention', summary: "Dry run of the job's retention policy: what it would keep and forget now (changes nothing)", tag: 'jobs', params: JobParams, invalidError: 'invalid_request',
    success: { status: 200, description: 'The plan (a dry run)', schema: RetentionPlanSchema }, errors: [404],
    unprocessable: ["the job's stored retention policy or its schedule's time zone is one the retention engine cannot evaluate (a job stored before today's checks)"],
    handle: (deps, { params }) => jobRetention(deps, params.job_id),
  }),
  route({
    method: 'GET', path: '/backup/analytics', operationId: 'getAnalytics', summary: 'Totals, breakdowns and a daily series over a window', tag: 'analytics', query: AnalyticsQuery, invalidError: 'invalid_query',
    success: { status: 200, description: 'The analytics', schema: AnalyticsSchema }, errors: [404], unprocessable: [DATE_WINDOW_RULE],
    handle: (deps, { query }) => getAnalytics(deps, query),
  }),
  route({
    method: 'POST', path: '/backup/restores', operationId: 'createRestore', summary: 'Restore a backup', tag: 'restores', body: CreateRestoreBody, invalidError: 'invalid_restore_config',
    success: { status: 202, description: 'The restore, queued', schema: RestoreSchema }, errors: [404, 409, 503], rateLimitPerHour: RATE_LIMITS.createRestore,
    unprocessable: [
      'the backup is not completed',
      'destination.overwrite_existing contradicts conflict_policy',
      'restore_options.target_timestamp is in the future',
      'destination does not exist, is not granted to this deployment, or its settings do not fit its type',
    ],
    handle: (deps, { body, caller }) => createRestore(deps, body, caller),
  }),
  route({
    method: 'GET', path: '/backup/restores', operationId: 'listRestores', summary: 'List restores, newest first', tag: 'restores', query: ListRestoresQuery, invalidError: 'invalid_query',
    success: { status: 200, description: 'One page of restores', schema: RestoreListSchema }, errors: [], unprocessable: LIST_RULES,
    handle: (deps, { query }) => listRestores(deps, query),
  }),
  route({
    method: 'GET', path: '/backup/restores/{restore_id}/status', operationId: 'getRestoreStatus', summary: "A restore's progress", tag: 'restores', params: RestoreParams, invalidError: 'invalid_request',
    success: { status: 200, description: 'The restore', schema: RestoreStatusSchema }, errors: [404],
    handle: (deps, { params }) => restoreStatus(deps, params.restore_id),
  }),
];
