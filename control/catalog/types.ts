/**
 * Records of the catalog, with the seed API's field names (snake_case):
 * jobs, executions (one execution produces one backup), restores,
 * verifications and prune runs. Records never hold secrets: a source names a Secrets
 * Manager ARN (`secret_arn`), never a password or a connection string.
 * Timestamps are ISO 8601 UTC strings; durations are whole seconds.
 */
import type { PruneResult } from '../../vault/prune/prune.js';
import type { BackupType } from '../../vault/snapshot/snapshot.js';
import type { CompressionSetting } from '../../vault/compression/settings.js';
import type { RestoreDestination, SourceConfig } from '../../sources/config.js';
import type { RecordStatus } from './status.js';

export { RecordStatus, PRECEDING_STATUSES, TERMINAL_STATUSES, canTransition, isTerminal } from './status.js';

/** An ISO 8601 UTC timestamp (`2024-01-15T12:30:00.000Z`). */
export type Timestamp = string;

/** Status of a job definition. */
export const JobStatus = {
  Active: 'active',
  Paused: 'paused',
} as const;
/** One of {@link JobStatus}. */
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

/** What started an execution. */
export const ExecutionTrigger = {
  Manual: 'manual',
  Schedule: 'schedule',
} as const;
/** One of {@link ExecutionTrigger}. */
export type ExecutionTrigger = (typeof ExecutionTrigger)[keyof typeof ExecutionTrigger];

/**
 * Where a job reads from (each source kind's schema, sources/config.ts);
 * credentials live in Secrets Manager, named by `secret_arn`.
 */
export type { SourceConfig } from '../../sources/config.js';
/** Where a restore writes (each source kind's destination schema, sources/config.ts). */
export type { RestoreDestination } from '../../sources/config.js';

/**
 * Where a job's backups go: a vault of the deployment (control/vaults/registry.ts),
 * stored as the API normalized it (`bucket`, `path` and `region` of the vault
 * it selects). A job stored before destinations had fields holds `{type: 'vault'}`:
 * the primary bucket's default vault.
 */
export interface DestinationConfig {
  /** `vault`, or `s3` as seed 001 writes it (the same: a vault in an S3 bucket). */
  type: string;
  /** One of the deployment's vault buckets. */
  bucket?: string;
  /** The vault's key prefix in the bucket (`''` or ending in `/`). */
  path?: string;
  /** The bucket's region. */
  region?: string;
  /** `AES256` (the vault's AES-256-GCM) or `aws:kms`; both mean the vault's envelope encryption under the bucket's KMS key. */
  encryption?: string;
  /** The S3 storage class of the packs the job's backups write. */
  storage_class?: string;
  /** Fields of records written before (never written now). */
  [key: string]: unknown;
}

/** A copy vault of a job (`copies[]`), as the API normalized it. */
export interface CopyConfig {
  /** The copy vault: one of the deployment's vault buckets and a path in it, as a destination selects one. */
  vault: { bucket: string; path: string; region: string };
  /** The copy vault's own retention; absent: the job's. */
  retention?: RetentionPolicy;
  /** Minutes after the backup completes before the copy starts (absent or 0: at once). */
  delay?: number;
}

/** A copy's status on a backup record. */
export const CopyStatus = { Pending: 'pending', Running: 'running', Completed: 'completed', Failed: 'failed' } as const;
export type CopyStatus = (typeof CopyStatus)[keyof typeof CopyStatus];

/** One copy of a backup into a copy vault, as its record holds it (`copies[]`). */
export interface BackupCopy {
  /** The copy vault (`s3://bucket/prefix/`). */
  vault_uri: string;
  status: CopyStatus;
  /** The snapshot's id in the copy vault, once written. */
  snapshot_id: string | null;
  /** Stored bytes of the packs the copy wrote. */
  bytes_transferred: number;
  /** Blobs read from the source and written to the copy vault. */
  blobs_transferred: number;
  duration_ms: number | null;
  completed_at: Timestamp | null;
  /** Set when forgotten from the copy vault by its retention. */
  deleted_at?: Timestamp | null;
  error?: RecordError | null;
}

/** When a job runs. */
export interface ScheduleConfig {
  frequency: string;
  time?: string;
  timezone?: string;
  enabled: boolean;
  [key: string]: unknown;
}

/**
 * How long backups are kept, per period (grandfather-father-son); see
 * docs/RETENTION.md. The seed's `days`/`weeks`/`months`/`years` are the
 * `daily`/`weekly`/`monthly`/`yearly` counts. An empty policy keeps everything.
 */
export interface RetentionPolicy {
  days?: number;
  weeks?: number;
  months?: number;
  years?: number;
  /** The newest n good backups. */
  keep_last?: number;
  /** The newest good backup of each of the last n local hours (days, ISO weeks, months, years) that have one. */
  hourly?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  yearly?: number;
  /** Every backup younger than this, e.g. `7d`, `1y6m`, `36h` (restic's units y, m, w, d, h). */
  keep_within?: string;
  /** The newest n good backups are always kept, whatever the other rules say (seed 003's minimum count). */
  min_count?: number;
}

/** Compression of new chunks, normalized (vault/compression/settings.ts owns its schema, levels and defaults). */
export type CompressionSettings = CompressionSetting;

/** Encryption of the vault (always on in Haven; `key_id` names the KMS key). */
export interface EncryptionSettings {
  enabled: boolean;
  algorithm?: string;
  key_id?: string;
}

/** Checks run after each backup. */
export interface VerificationSettings {
  enabled: boolean;
  checksum_verification?: boolean;
  integrity_check?: boolean;
  test_restore?: boolean;
}

/** Who hears about a run. */
export interface NotificationSettings {
  on_success: boolean;
  on_failure: boolean;
  on_warning: boolean;
  recipients: string[];
}

/** A backup job definition. */
export interface JobRecord {
  job_id: string;
  job_name: string;
  description: string;
  backup_type: BackupType;
  source: SourceConfig;
  destination: DestinationConfig;
  /** When the job runs; null for a job that runs only on demand (`POST /backup/jobs/{job_id}/execute`). */
  schedule: ScheduleConfig | null;
  retention: RetentionPolicy;
  /** Copy vaults each backup is copied into after it commits and verifies (docs/COPIES.md); absent: none. */
  copies?: CopyConfig[];
  compression: CompressionSettings;
  encryption: EncryptionSettings;
  verification: VerificationSettings;
  notifications: NotificationSettings;
  status: JobStatus;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
  last_run: Timestamp | null;
  next_run: Timestamp | null;
  /** The execution holding the job's run lease, while one does. */
  lease_owner?: string;
  /** When that lease lapses. */
  lease_expires_at?: Timestamp;
}

/** What `createJob` takes: the definition, with the catalog filling ids, status and times it leaves out. */
export type NewJob = Omit<JobRecord, 'job_id' | 'status' | 'created_at' | 'updated_at' | 'last_run' | 'next_run' | 'lease_owner' | 'lease_expires_at'> &
  Partial<Pick<JobRecord, 'job_id' | 'status' | 'created_at' | 'last_run' | 'next_run'>>;

/** What `updateJob` may change (ids, creation time and the lease are not among it). */
export type JobPatch = Partial<Omit<JobRecord, 'job_id' | 'created_at' | 'updated_at' | 'lease_owner' | 'lease_expires_at'>>;

/** A failure as recorded: an {@link ErrorCode} and a message. */
export interface RecordError {
  code: string;
  message: string;
}

/** The vault a restore or verification read its backup from (set by its Plan; docs/COPIES.md, "Restores and verifications fall back"). */
export interface ServedFrom {
  /** The vault (`s3://bucket/prefix/`). */
  vault_uri: string;
  /** The backup's snapshot id in that vault. */
  snapshot_id: string;
  /** Whether it is a copy rather than the vault the backup was written to. */
  copy: boolean;
  /** Vaults tried before it that could not serve the backup, in order, with why. */
  skipped: Array<{ vault_uri: string; error: RecordError }>;
}

/** Fields every tracked record (execution, restore, verification, prune run) has. */
export interface TrackedFields {
  status: RecordStatus;
  /** 0–100; never goes down. */
  progress: number;
  /** What the run is doing now (`queued`, `reading`, `verifying`…). */
  phase: string;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
  /** Seconds from `started_at` to `completed_at`. */
  duration: number | null;
  error: RecordError | null;
  updated_at: Timestamp;
  /** Items (partitions, pack batches) the run will process; recorded once by its Plan (control/catalog/progress-counts.ts). */
  items_total?: number;
  /** Bytes the run expects to process (a backup's source estimate, a restore's partition sizes, a verify's pack sizes); 0 when unknown. */
  bytes_total?: number;
  /** Items done so far (atomic `ADD`s, each counted once). */
  items_done?: number;
  /** Bytes of the items done so far. */
  bytes_done?: number;
  /** When Plan recorded the totals: rates and estimates count from here. */
  counting_since?: Timestamp;
  /** The units already counted (item or batch numbers): a unit retried after success is not counted again. Removed when the run ends; never shown. */
  progress_marks?: Set<number>;
}

/** What one backup wrote. */
export interface BackupResult {
  backup_id: string;
  snapshot_id: string;
  snapshot_sha256: string;
  /** The vault URI of the snapshot. */
  file_path: string;
  /** Stored bytes this backup added to the vault. */
  file_size: number;
  bytes_read: number;
  bytes_new: number;
  compression_ratio: number;
  dedup_ratio: number;
  encryption: 'AES-256-GCM';
  /** `sha256:<hex>` */
  checksum: string;
  records: number;
  partitions: number;
  created_at: Timestamp;
}

/** Outcome of checking a backup. */
export interface BackupVerificationSummary {
  status: 'passed' | 'failed' | 'skipped';
  checksum_verified: boolean;
  integrity_verified: boolean;
  test_restore_verified: boolean;
  verified_at: Timestamp;
  /** Set by a verification that found a pack this backup needs missing or damaged. */
  damaged?: boolean;
  /** The damaged packs this backup depends on (at most 100 listed). */
  damaged_packs?: string[];
  /** The verification that wrote this summary. */
  verification_id?: string;
  /** Its level (`quick`, `checksum`, `sample`, `test_restore`). */
  level?: string;
}

/** One execution of a job, which produces one backup. */
export interface ExecutionRecord extends TrackedFields {
  /** `exec_<ulid>` */
  execution_id: string;
  /** `backup_<ulid>`, the same ulid as the execution id. */
  backup_id: string;
  job_id: string;
  job_name: string;
  backup_type: BackupType;
  trigger: ExecutionTrigger;
  /** When the execution was requested; always set. */
  started_at: Timestamp;
  estimated_completion?: Timestamp | null;
  executed_by?: string | null;
  execution_options: Record<string, unknown>;
  custom_parameters: Record<string, unknown>;
  result: BackupResult | null;
  verification: BackupVerificationSummary | null;
  /** When retention may delete the backup. */
  retention_until: Timestamp | null;
  /** A locked backup is never deleted by retention. */
  locked?: boolean;
  /** When the backup was forgotten (its snapshot removed from the vault); the record stays. */
  deleted_at?: Timestamp | null;
  /** Who forgot it: `retention` (a prune) or `api` (DELETE /backup/backups/{id}). */
  deleted_by?: string | null;
  /** The vault the backup is in (`s3://bucket/prefix/`), set by the backup's Plan; absent on older records: the primary vault. */
  vault_uri?: string | null;
  /** The backup's copies in copy vaults (docs/COPIES.md); absent: none. */
  copies?: BackupCopy[];
}

/** Creation fields of a run that starts when requested (an execution, a verification). */
export interface NewRun {
  /** `queued` (default) or `running`. */
  status?: typeof RecordStatus.Queued | typeof RecordStatus.Running;
  /** Defaults to the status. */
  phase?: string;
  /** When the run was requested; defaults to the catalog's clock. */
  started_at?: Timestamp;
  estimated_completion?: Timestamp | null;
}

/** What `createExecution` takes. */
export interface NewExecution extends NewRun {
  /** Generated (`exec_<ulid>`) when absent. */
  execution_id?: string;
  job_id: string;
  job_name: string;
  backup_type: BackupType;
  trigger: ExecutionTrigger;
  executed_by?: string | null;
  execution_options?: Record<string, unknown>;
  custom_parameters?: Record<string, unknown>;
  retention_until?: Timestamp | null;
  locked?: boolean;
}

/** What a status change of an execution may also write (`progress` never lowers the stored progress). */
export type ExecutionPatch = Partial<Pick<ExecutionRecord, 'phase' | 'progress' | 'backup_type' | 'result' | 'verification' | 'error' | 'retention_until' | 'locked' | 'estimated_completion'>>;

/** What may change on an execution in any status (after a later verification, a retention change). */
export type ExecutionAnnotation = Partial<Pick<ExecutionRecord, 'verification' | 'retention_until' | 'locked' | 'deleted_at' | 'deleted_by' | 'vault_uri' | 'copies'>>;

/** What a restore restored. */
export interface RestoreResult {
  tables_restored: number;
  records_restored: number;
  data_size: number;
  restored_at: Timestamp;
}

/** Checks run on restored data. */
export interface RestoreVerificationSummary {
  status: 'passed' | 'failed' | 'skipped';
  data_integrity_verified: boolean;
  constraints_verified: boolean;
  indexes_verified: boolean;
  verified_at: Timestamp;
}

/** A restore of one backup. */
export interface RestoreRecord extends TrackedFields {
  /** `restore_<ulid>` */
  restore_id: string;
  restore_name: string;
  description: string;
  backup_id: string;
  source: Record<string, unknown>;
  destination: RestoreDestination;
  restore_options: Record<string, unknown>;
  notifications: NotificationSettings | null;
  created_at: Timestamp;
  created_by: string;
  result: RestoreResult | null;
  verification: RestoreVerificationSummary | null;
  /** The vault the restore read from; absent until planned. */
  served_from?: ServedFrom | null;
}

/** What `restores.create` takes. */
export interface NewRestore {
  restore_id?: string;
  restore_name: string;
  description?: string;
  backup_id: string;
  source?: Record<string, unknown>;
  destination: RestoreDestination;
  restore_options?: Record<string, unknown>;
  notifications?: NotificationSettings | null;
  created_by: string;
  /** Defaults to the catalog's clock. */
  created_at?: Timestamp;
}

/** What a status change of a restore may also write. */
export type RestorePatch = Partial<Pick<RestoreRecord, 'phase' | 'progress' | 'result' | 'verification' | 'error'>>;

/** What one verification found. */
export interface VerificationResult {
  checksum_verified: boolean;
  integrity_verified: boolean;
  test_restore_verified: boolean;
  blobs_checked?: number;
  bytes_checked?: number;
  /** Problems found, one line each. */
  issues: string[];
  /** The level run (`quick`, `checksum`, `sample`, `test_restore`). */
  level?: string;
  /** Packs the backup references, and how many of them this run checked. */
  packs_total?: number;
  packs_checked?: number;
  /** Packs found missing or damaged (at most 100 listed). */
  damaged_packs?: string[];
  /** Backups (ids) that depend on a damaged pack, in this run's scope or not (at most 100 listed). */
  damaged_backups?: string[];
  /** The sample window on the pack ring, `[start, end)` as fractions of the ring (see docs/VERIFICATION.md). */
  sample?: { start: number; end: number };
  /** The test restore's outcome, when the level ran one. */
  test_restore_result?: { records_expected: number; records_restored: number; records_counted: number; bytes: number; scratch: string; cleaned_up: boolean } | null;
}

/** A verification of one backup. */
export interface VerificationRecord extends TrackedFields {
  /** `verify_<ulid>` */
  verification_id: string;
  backup_id: string;
  verification_type: string;
  /** When the verification was requested; always set. */
  started_at: Timestamp;
  estimated_completion?: Timestamp | null;
  checksum_verification: boolean;
  integrity_check: boolean;
  test_restore: boolean;
  test_restore_options: Record<string, unknown> | null;
  result: VerificationResult | null;
  /** The level (`quick`, `checksum`, `sample`, `test_restore`); `verification_type` holds it too. */
  level?: string;
  /** A `sample` run's share of the backup's packs, in percent. */
  sample_percent?: number | null;
  /** A `sample` run's byte budget. */
  sample_bytes?: number | null;
  /** Who asked (`admin_…`, or `schedule` for the weekly sweep). */
  requested_by?: string | null;
  /** The sweep this verification was part of, if any. */
  sweep_id?: string | null;
  /** The vault the verification read from; absent until planned. */
  served_from?: ServedFrom | null;
}

/** What `verifications.create` takes. */
export interface NewVerification extends NewRun {
  /** Generated (`verify_<ulid>`) when absent. */
  verification_id?: string;
  backup_id: string;
  verification_type: string;
  checksum_verification: boolean;
  integrity_check: boolean;
  test_restore: boolean;
  test_restore_options?: Record<string, unknown> | null;
  level?: string;
  sample_percent?: number | null;
  sample_bytes?: number | null;
  requested_by?: string | null;
  sweep_id?: string | null;
}

/** What a status change of a verification may also write. */
export type VerificationPatch = Partial<Pick<VerificationRecord, 'phase' | 'progress' | 'result' | 'error' | 'estimated_completion'>>;

/** The settings of a prune run, with defaults applied (docs/RETENTION.md). */
export interface PruneRunSettings {
  /** Packs, index objects and staging areas younger than this many seconds are never touched. */
  grace_seconds: number;
  /** Repack a pack once this fraction (0..1) of it is unused (1 or more: never). */
  repack_threshold: number;
  /** Merge index objects when there are more than this many. */
  compact_above: number;
  /** Plan only: forget nothing, delete nothing. */
  dry_run: boolean;
}

/**
 * What a prune run did (a dry run: would do): the prune's counts
 * ({@link PruneResult}) with what retention forgot before it.
 */
export interface PruneRunResult extends PruneResult {
  /** Jobs whose retention policy the run applied. */
  jobs: number;
  /** Backups retention forgot, over every job. */
  backups_forgotten: number;
  /** Stored bytes the vault gave back: packs deleted less packs repacking wrote (never below 0). */
  bytes_freed: number;
}

/** One run of the prune workflow (retention, then prune), named after its Step Functions execution. */
export interface PruneRunRecord extends TrackedFields {
  /** `prune_<execution name>` (see `pruneRunIdOf`), or `prune_<ulid>` when created without one. */
  prune_run_id: string;
  /** The Step Functions execution's name. */
  execution_name: string;
  /** When the run started; always set. */
  started_at: Timestamp;
  /** Absent when the start input's settings were invalid (the run then failed). */
  settings?: PruneRunSettings;
  result?: PruneRunResult | null;
}

/** What `pruneRuns.create` takes. */
export interface NewPruneRun extends NewRun {
  /** Generated (`prune_<ulid>`) when absent. */
  prune_run_id?: string;
  execution_name: string;
  settings?: PruneRunSettings;
}

/** What a status change of a prune run may also write. */
export type PruneRunPatch = Partial<Pick<PruneRunRecord, 'phase' | 'progress' | 'result' | 'error'>>;

/** A progress report. */
export interface ProgressUpdate {
  /** 0–100. */
  progress: number;
  phase?: string;
}
