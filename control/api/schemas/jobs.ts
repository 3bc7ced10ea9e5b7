/** Job definitions: what `POST /backup/jobs` and `PUT /backup/jobs/{job_id}` take and what job responses hold. */
import { z } from 'zod';
import { CompressionChangeSchema, CompressionSettingSchema } from '../../../vault/compression/settings.js';
import { PACK_STORAGE_CLASSES } from '../../../vault/storage/storage-class.js';
import { JobStatus } from '../../catalog/types.js';
import { Actor, BackupTypeSchema, DateQuery, Description, Name, NotificationsSchema, PageFields, PageQuery, Timestamp } from './common.js';
import { SourceSchema } from './sources.js';

const Day = z.union([z.number().int(), z.string().max(16)]);

/** A job destination's `type` values. */
export const DESTINATION_TYPES = ['vault', 's3'] as const;
/** A job destination's `encryption` values: both mean the vault's own encryption, never weaker. */
export const DESTINATION_ENCRYPTIONS = ['AES256', 'aws:kms'] as const;
/** An AWS region name. */
const AWS_REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** When a job runs; the schedules module checks the frequency, expression, time and time zone (422). See docs/SCHEDULES.md. */
export const ScheduleSchema = z
  .strictObject({
    frequency: z.string().min(1).max(300).meta({ examples: ['daily', 'weekly', 'cron', 'rate', 'cron(0 2 * * ? *)'] }),
    expression: z.string().max(300).optional().meta({ description: 'cron(…) or rate(…) when frequency is cron or rate' }),
    time: z.string().max(16).optional().meta({ example: '02:00' }),
    day_of_week: z.union([Day, z.array(Day).max(7)]).optional().meta({ description: 'weekly: a weekday or a list (default sunday)' }),
    day_of_month: Day.optional().meta({ description: 'monthly: 1–31 or "last" (default 1)' }),
    timezone: z.string().max(64).optional().meta({ example: 'America/Toronto', description: 'IANA time zone (default UTC)' }),
    enabled: z.boolean().default(true),
    flexible_window_minutes: z.number().int().optional(),
  })
  .meta({ id: 'Schedule' });

/**
 * Backups kept per period (grandfather-father-son; the seed's `days`…`years`)
 * and the engine's other rules (control/retention/policy.ts): `keep_last`,
 * `hourly`…`yearly`, `keep_within` (`7d`, `1y6m`), `min_count`.
 */
export const RetentionSchema = z.strictObject({
  days: z.number().int().optional(),
  weeks: z.number().int().optional(),
  months: z.number().int().optional(),
  years: z.number().int().optional(),
  keep_last: z.number().int().optional(),
  hourly: z.number().int().optional(),
  daily: z.number().int().optional(),
  weekly: z.number().int().optional(),
  monthly: z.number().int().optional(),
  yearly: z.number().int().optional(),
  keep_within: z.string().max(40).optional().meta({ description: 'Keep every backup younger than this (units y, m, w, d, h: `7d`, `1y6m`)' }),
  min_count: z.number().int().optional(),
});

/**
 * Compression of new chunks: the compression module's change schema (its
 * levels are checked after the change is merged into the stored setting, a 422).
 */
export const CompressionSchema = CompressionChangeSchema.meta({ id: 'CompressionChange', description: 'Compression of new chunks; fields left out keep their stored (or default) values' });

/** Encryption is always on; `key_id` names a KMS key (never key material). */
export const EncryptionSchema = z.strictObject({
  enabled: z.boolean().default(true),
  algorithm: z.enum(['AES-256-GCM', 'AES-256']).optional(),
  key_id: z
    .string()
    .max(2048)
    .optional()
    .meta({
      description:
        "The KMS key of the destination's vault bucket: a key id, key ARN, alias name (with or without `alias/`) or alias ARN. Checked with kms:DescribeKey when the job is saved (422: no such KMS key, not usable by Haven, or not a KMS key reference); never key material.",
      examples: ['alias/haven-vault', 'haven-vault'],
    }),
});

/** Checks after each backup. */
export const VerificationSettingsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  checksum_verification: z.boolean().optional(),
  integrity_check: z.boolean().optional(),
  test_restore: z.boolean().optional(),
});

/** Where backups go (seed 001's shape): a vault in one of the deployment's vault buckets. */
export const DestinationSchema = z
  .strictObject({
    type: z.enum(DESTINATION_TYPES).default('vault').meta({ description: '`vault`, or `s3` as seed 001 writes it (the same: a Haven vault in an S3 bucket)' }),
    bucket: z.string().min(1).max(63).optional().meta({ description: "One of the deployment's vault buckets (default: the stack's own); another is a 422 listing them" }),
    path: z.string().max(1024).optional().meta({ description: "The vault's key prefix in the bucket (default: the bucket's default vault); normalized to no leading and one trailing `/`; `..`, empty segments, wildcards, or a prefix that nests in another vault are a 422", example: 'database/daily/' }),
    region: z.string().regex(AWS_REGION).optional().meta({ description: "The bucket's region (another is a 422)", example: 'us-east-1' }),
    encryption: z.enum(DESTINATION_ENCRYPTIONS).default('AES256').meta({ description: "`AES256`: the vault's AES-256-GCM (per-object data keys wrapped by the bucket's KMS key); `aws:kms` names the same envelope encryption" }),
    storage_class: z.enum(PACK_STORAGE_CLASSES).optional().meta({ description: "S3 storage class of the packs the job's backups write (metadata objects stay STANDARD)" }),
  })
  .meta({ id: 'JobDestination' });

/** The most copy vaults one job lists (one owner: the schema refuses more with a 400). */
export const MAX_JOB_COPIES = 5;
/** The longest copy delay, in minutes (one week). */
export const MAX_COPY_DELAY_MINUTES = 10_080;

/** One copy vault of a job: each backup is copied into it after it commits and verifies (docs/COPIES.md). */
export const CopySchema = z
  .strictObject({
    vault: z
      .strictObject({
        bucket: z.string().min(1).max(63).meta({ description: "One of the deployment's vault buckets (another is a 422 naming `copies[i].vault.bucket` and listing them)" }),
        path: z.string().max(1024).optional().meta({ description: "The copy vault's key prefix in the bucket (default: the bucket's default vault); the rules of `destination.path`", example: 'copies/orders/' }),
        region: z.string().regex(AWS_REGION).optional().meta({ description: "The bucket's region (another is a 422)", example: 'eu-west-1' }),
      })
      .meta({ description: "The copy vault: a vault of the deployment other than the job's destination and the job's other copies" }),
    retention: RetentionSchema.optional().meta({ description: "The copy vault's own retention for this job's backups (left out: the job's `retention`)" }),
    delay: z.number().int().min(0).max(MAX_COPY_DELAY_MINUTES).optional().meta({ description: 'Minutes to wait after the backup completes before copying (default 0)', example: 60 }),
  })
  .meta({ id: 'JobCopy' });

/** A job's copy vaults (at most {@link MAX_JOB_COPIES}). */
export const CopiesSchema = z.array(CopySchema).max(MAX_JOB_COPIES).meta({ description: `Copy vaults (at most ${MAX_JOB_COPIES}); each backup is copied into each after it commits and verifies; an empty list: no copies` });

const jobFields = {
  job_name: Name,
  description: Description.optional(),
  backup_type: BackupTypeSchema,
  source: SourceSchema,
  destination: DestinationSchema.optional().meta({ description: "Where backups go; left out: the stack's own vault bucket's default vault" }),
  schedule: ScheduleSchema.nullable().optional().meta({ description: 'When the job runs; left out or null: on demand only (no EventBridge schedule, `next_run` null)' }),
  retention: RetentionSchema,
  copies: CopiesSchema.optional(),
  compression: CompressionSchema.optional(),
  encryption: EncryptionSchema.optional(),
  verification: VerificationSettingsSchema.optional(),
  notifications: NotificationsSchema.optional(),
  created_by: Actor.optional(),
};

/** `POST /backup/jobs`. */
export const CreateJobBody = z.strictObject(jobFields).meta({ id: 'CreateJobRequest' });
/** What `POST /backup/jobs` takes, after defaults. */
export type CreateJobBody = z.output<typeof CreateJobBody>;

/** `PUT /backup/jobs/{job_id}`: the fields to change (at least one); `status` pauses or resumes. */
export const UpdateJobBody = z
  .strictObject({
    job_name: jobFields.job_name.optional(),
    description: jobFields.description,
    backup_type: jobFields.backup_type.optional(),
    source: jobFields.source.optional(),
    destination: jobFields.destination,
    schedule: jobFields.schedule.meta({ description: 'A new schedule, or null to make the job on demand only (its EventBridge schedule is deleted)' }),
    retention: jobFields.retention.optional(),
    copies: jobFields.copies,
    compression: jobFields.compression,
    encryption: jobFields.encryption,
    verification: jobFields.verification,
    notifications: jobFields.notifications,
    status: z.enum([JobStatus.Active, JobStatus.Paused]).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change')
  .meta({ id: 'UpdateJobRequest', minProperties: 1 });
/** What `PUT /backup/jobs/{job_id}` takes. */
export type UpdateJobBody = z.output<typeof UpdateJobBody>;

/** A job's destination as stored and shown: the vault it selects, normalized (a job saved before destinations had fields shows only `type`). */
const StoredDestinationSchema = z
  .looseObject({
    type: z.string(),
    bucket: z.string().optional(),
    path: z.string().optional(),
    region: z.string().optional(),
    encryption: z.string().optional(),
    storage_class: z.string().optional(),
  })
  .meta({ id: 'StoredJobDestination' });

/** A job's copy as stored and shown. */
const StoredCopySchema = z
  .object({
    vault: z.object({ bucket: z.string(), path: z.string(), region: z.string() }),
    retention: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
    delay: z.number().int().optional(),
  })
  .meta({ id: 'StoredJobCopy' });

/** A job as the API shows it. */
export const JobSchema = z
  .object({
    job_id: z.string(),
    job_name: z.string(),
    description: z.string(),
    backup_type: BackupTypeSchema,
    source: SourceSchema,
    destination: StoredDestinationSchema,
    schedule: z.record(z.string(), z.unknown()).nullable().meta({ description: 'null: the job runs on demand only' }),
    retention: z.record(z.string(), z.union([z.number(), z.string()])),
    copies: z.array(StoredCopySchema).optional().meta({ description: 'Copy vaults, normalized (absent: none)' }),
    compression: CompressionSettingSchema,
    encryption: z.record(z.string(), z.unknown()),
    verification: z.record(z.string(), z.unknown()),
    notifications: z.record(z.string(), z.unknown()),
    status: z.enum([JobStatus.Active, JobStatus.Paused]),
    created_at: Timestamp,
    created_by: z.string(),
    updated_at: Timestamp,
    last_run: Timestamp.nullable(),
    next_run: Timestamp.nullable(),
  })
  .meta({ id: 'Job' });

/** `GET /backup/jobs` query. */
export const ListJobsQuery = z.strictObject({
  status: z.enum([JobStatus.Active, JobStatus.Paused]).optional(),
  backup_type: BackupTypeSchema.optional(),
  ...DateQuery,
  ...PageQuery,
});
/** What `GET /backup/jobs` takes. */
export type ListJobsQuery = z.output<typeof ListJobsQuery>;

/** `GET /backup/jobs` response. */
export const JobListSchema = z.object({ jobs: z.array(JobSchema), ...PageFields }).meta({ id: 'JobList' });

/** `{job_id}` path parameters. */
export { JobId } from './common.js';
