/**
 * Haven's outcome events: the EventBridge detail types, the fields each
 * detail carries (documented in docs/NOTIFICATIONS.md), and which of a job's
 * notification settings (`on_success`, `on_failure`, `on_warning`) governs
 * each. Details carry ids, sizes, counts, durations and error codes, never
 * secrets.
 */

/** Every detail type Haven puts on the default bus (source `haven`). */
export const HavenEventType = {
  BackupSucceeded: 'Backup Succeeded',
  BackupFailed: 'Backup Failed',
  VerificationFailed: 'Verification Failed',
  RestoreSucceeded: 'Restore Succeeded',
  RestoreFailed: 'Restore Failed',
  RetentionApplied: 'Retention Applied',
  PruneCompleted: 'Prune Completed',
  PruneFailed: 'Prune Failed',
  CopyFailed: 'Copy Failed',
} as const;
/** One of {@link HavenEventType}. */
export type HavenEventType = (typeof HavenEventType)[keyof typeof HavenEventType];

/** Which notification setting an event falls under. */
export const Severity = {
  Success: 'success',
  Failure: 'failure',
  Warning: 'warning',
} as const;
/** One of {@link Severity}. */
export type Severity = (typeof Severity)[keyof typeof Severity];

/** An outcome event (EventBridge detail-type and detail), as workflow steps publish it; never carries secrets. */
export interface OutcomeEvent {
  detailType: string;
  detail: Record<string, unknown>;
  /** Which notification setting governs it; by default the detail type's ({@link DEFAULT_SEVERITY}). */
  severity?: Severity;
}

/** The severity of each detail type, unless the producer says otherwise. */
export const DEFAULT_SEVERITY: Readonly<Record<HavenEventType, Severity>> = {
  'Backup Succeeded': Severity.Success,
  'Backup Failed': Severity.Failure,
  'Verification Failed': Severity.Failure,
  'Restore Succeeded': Severity.Success,
  'Restore Failed': Severity.Failure,
  'Retention Applied': Severity.Success,
  'Prune Completed': Severity.Success,
  'Prune Failed': Severity.Failure,
  'Copy Failed': Severity.Failure,
};

/** The final progress counts a run's outcome event carries when its Plan recorded totals (control/notifications/details.ts `finalCounts`). */
export const PROGRESS_COUNT_FIELDS = ['items_done', 'items_total', 'bytes_done', 'bytes_total'] as const;

/**
 * The fields each detail type carries. `required` fields are always present
 * (a value or null); `optional` ones only when the producer knows them. The
 * notifier adds `job_id` and `job_name` whenever it finds the event's job.
 */
export const EVENT_FIELDS: Readonly<Record<HavenEventType, { required: readonly string[]; optional: readonly string[] }>> = {
  'Backup Succeeded': {
    required: ['job_id', 'execution_id', 'backup_id', 'backup_type', 'snapshot_id', 'bytes_read', 'bytes_stored', 'duration'],
    optional: ['job_name', 'bytes_new', 'records', 'partitions', 'compression_ratio', 'dedup_ratio', 'started_at', 'completed_at', ...PROGRESS_COUNT_FIELDS],
  },
  'Backup Failed': {
    required: ['job_id', 'execution_id', 'backup_id', 'error_code', 'error_message'],
    optional: ['job_name', 'duration', 'started_at', 'completed_at', ...PROGRESS_COUNT_FIELDS],
  },
  'Verification Failed': {
    required: ['backup_id', 'verification_id', 'error_code', 'error_message'],
    optional: ['job_id', 'job_name', 'verification_type', 'issues', 'blobs_checked', 'bytes_checked', 'duration', ...PROGRESS_COUNT_FIELDS],
  },
  'Restore Succeeded': {
    required: ['restore_id', 'backup_id', 'records_restored', 'records_skipped', 'data_size', 'safety_snapshot_id', 'duration'],
    optional: ['job_id', 'job_name', 'restore_name', ...PROGRESS_COUNT_FIELDS],
  },
  'Restore Failed': {
    required: ['restore_id', 'backup_id', 'error_code', 'error_message'],
    optional: ['job_id', 'job_name', 'restore_name', 'duration', ...PROGRESS_COUNT_FIELDS],
  },
  'Retention Applied': {
    required: ['job_id', 'backups_deleted', 'backups_kept'],
    optional: ['job_name', 'deleted_backup_ids', 'bytes_freed', 'locked_kept', 'duration', 'warnings'],
  },
  'Prune Completed': {
    required: ['dry_run', 'packs_total', 'bytes_total', 'bytes_unused', 'packs_deleted', 'bytes_deleted', 'packs_repacked', 'packs_written', 'bytes_written'],
    optional: ['indexes_written', 'indexes_deleted', 'packs_rescued', 'packs_untouchable', 'staging_swept', 'locks_extended', 'lists_deleted'],
  },
  'Prune Failed': {
    required: ['execution', 'error_code', 'error_message'],
    optional: [],
  },
  'Copy Failed': {
    required: ['job_id', 'backup_id', 'vault_uri', 'error_code', 'error_message'],
    optional: ['job_name', 'execution_id'],
  },
};

/**
 * @param value - a detail type
 * @returns whether it is one of Haven's
 */
export function isHavenEventType(value: string): value is HavenEventType {
  return Object.hasOwn(EVENT_FIELDS, value);
}
