/**
 * Builders of each outcome event, so every producer sends the fields listed
 * in {@link EVENT_FIELDS} and nothing else: ids, counts, sizes (bytes),
 * durations (seconds) and error codes. Error messages are the step's own
 * (typed errors never quote credentials); the notifier still redacts.
 */
import type { ExecutionRecord, RestoreRecord, TrackedFields, VerificationRecord } from '../catalog/types.js';
import { HavenEventType, Severity, type OutcomeEvent } from './event-types.js';

/**
 * @param record - a run's record as it ended
 * @returns its final progress counts (event-types.ts PROGRESS_COUNT_FIELDS), or nothing when its Plan never recorded totals
 */
export function finalCounts(record: Pick<TrackedFields, 'items_total' | 'items_done' | 'bytes_total' | 'bytes_done'> | undefined): Record<string, number> {
  if (record?.items_total === undefined) return {};
  return { items_done: record.items_done ?? 0, items_total: record.items_total, bytes_done: record.bytes_done ?? 0, bytes_total: record.bytes_total ?? 0 };
}

/** A failure as the failure events carry it. */
export interface FailureInfo {
  code: string;
  message: string;
}

/**
 * `Backup Succeeded` from the execution as Finalize recorded it.
 *
 * @param record - the completed execution (with its result)
 * @returns the event
 */
export function backupSucceeded(record: ExecutionRecord): OutcomeEvent {
  const r = record.result;
  return {
    detailType: HavenEventType.BackupSucceeded,
    detail: {
      job_id: record.job_id,
      job_name: record.job_name,
      execution_id: record.execution_id,
      backup_id: record.backup_id,
      backup_type: record.backup_type,
      snapshot_id: r?.snapshot_id ?? null,
      bytes_read: r?.bytes_read ?? 0,
      bytes_new: r?.bytes_new ?? 0,
      bytes_stored: r?.file_size ?? 0,
      records: r?.records ?? 0,
      partitions: r?.partitions ?? 0,
      compression_ratio: r?.compression_ratio ?? null,
      dedup_ratio: r?.dedup_ratio ?? null,
      ...finalCounts(record),
      duration: record.duration,
      started_at: record.started_at,
      completed_at: record.completed_at,
    },
  };
}

/**
 * `Backup Failed`.
 *
 * @param record - the execution (after the failure was recorded, if it was)
 * @param failure - the seed error code and message
 * @returns the event
 */
export function backupFailed(record: ExecutionRecord, failure: FailureInfo): OutcomeEvent {
  return {
    detailType: HavenEventType.BackupFailed,
    detail: {
      job_id: record.job_id,
      job_name: record.job_name,
      execution_id: record.execution_id,
      backup_id: record.backup_id,
      error_code: failure.code,
      error_message: failure.message,
      ...finalCounts(record),
      duration: record.duration,
      started_at: record.started_at,
      completed_at: record.completed_at,
    },
  };
}

/**
 * `Copy Failed`: a backup's copy into a copy vault failed (the backup itself is fine).
 *
 * @param record - the backup's execution
 * @param vaultUri - the copy vault
 * @param failure - the seed error code and message
 * @returns the event
 */
export function copyFailed(record: ExecutionRecord, vaultUri: string, failure: FailureInfo): OutcomeEvent {
  return {
    detailType: HavenEventType.CopyFailed,
    detail: {
      job_id: record.job_id,
      job_name: record.job_name,
      execution_id: record.execution_id,
      backup_id: record.backup_id,
      vault_uri: vaultUri,
      error_code: failure.code,
      error_message: failure.message,
    },
  };
}

/** What a finished restore reports besides its record. */
export interface RestoreCounts {
  records_restored: number;
  records_skipped: number;
  data_size: number;
  /** The safety backup's snapshot, when one was taken. */
  safety_snapshot_id: string | null;
}

/**
 * `Restore Succeeded`.
 *
 * @param record - the completed restore
 * @param counts - what was restored and skipped
 * @returns the event
 */
export function restoreSucceeded(record: RestoreRecord, counts: RestoreCounts): OutcomeEvent {
  return {
    detailType: HavenEventType.RestoreSucceeded,
    detail: {
      restore_id: record.restore_id,
      restore_name: record.restore_name,
      backup_id: record.backup_id,
      records_restored: counts.records_restored,
      records_skipped: counts.records_skipped,
      data_size: counts.data_size,
      safety_snapshot_id: counts.safety_snapshot_id,
      ...finalCounts(record),
      duration: record.duration,
    },
  };
}

/**
 * `Restore Failed`.
 *
 * @param restoreId - the restore
 * @param record - its record, when it exists
 * @param failure - the seed error code and message
 * @returns the event
 */
export function restoreFailed(restoreId: string, record: RestoreRecord | undefined, failure: FailureInfo): OutcomeEvent {
  return {
    detailType: HavenEventType.RestoreFailed,
    detail: {
      restore_id: restoreId,
      ...(record ? { restore_name: record.restore_name } : {}),
      backup_id: record?.backup_id ?? null,
      error_code: failure.code,
      error_message: failure.message,
      ...finalCounts(record),
      duration: record?.duration ?? null,
    },
  };
}

/**
 * `Verification Failed` (for the verification workflow).
 *
 * @param record - the verification
 * @param failure - the seed error code (`CorruptedBackup`…) and message
 * @returns the event
 */
export function verificationFailed(record: VerificationRecord, failure: FailureInfo): OutcomeEvent {
  return {
    detailType: HavenEventType.VerificationFailed,
    detail: {
      backup_id: record.backup_id,
      verification_id: record.verification_id,
      verification_type: record.verification_type,
      error_code: failure.code,
      error_message: failure.message,
      issues: record.result?.issues ?? [],
      ...(record.result?.blobs_checked === undefined ? {} : { blobs_checked: record.result.blobs_checked }),
      ...(record.result?.bytes_checked === undefined ? {} : { bytes_checked: record.result.bytes_checked }),
      ...finalCounts(record),
      duration: record.duration,
    },
  };
}

/** What one retention run did to one job's backups. */
export interface RetentionOutcome {
  job_id: string;
  deleted_backup_ids: readonly string[];
  backups_kept: number;
  /** Backups kept only because they are locked. */
  locked_kept?: number;
  /** Stored bytes freed (after prune), when known. */
  bytes_freed?: number;
  duration?: number;
  /** Some deletions failed or were skipped: the event is a warning. */
  warnings?: readonly string[];
}

/**
 * `Retention Applied` (for the retention job): a warning when it reports problems.
 *
 * @param outcome - what retention did
 * @returns the event
 */
export function retentionApplied(outcome: RetentionOutcome): OutcomeEvent {
  const warnings = outcome.warnings ?? [];
  return {
    detailType: HavenEventType.RetentionApplied,
    ...(warnings.length > 0 ? { severity: Severity.Warning } : {}),
    detail: {
      job_id: outcome.job_id,
      backups_deleted: outcome.deleted_backup_ids.length,
      backups_kept: outcome.backups_kept,
      deleted_backup_ids: [...outcome.deleted_backup_ids],
      ...(outcome.locked_kept === undefined ? {} : { locked_kept: outcome.locked_kept }),
      ...(outcome.bytes_freed === undefined ? {} : { bytes_freed: outcome.bytes_freed }),
      ...(outcome.duration === undefined ? {} : { duration: outcome.duration }),
      ...(warnings.length > 0 ? { warnings: [...warnings] } : {}),
    },
  };
}
