/** Finalize: record COMPLETED with the backup's stats, release the lease, emit the outcome. */
import { RecordStatus } from '../../catalog/status.js';
import type { ExecutionRecord, JobRecord } from '../../catalog/types.js';
import { jobNextRun } from '../../schedules/port.js';
import { backupSucceeded } from '../../notifications/details.js';
import type { WorkflowDeps } from '../deps.js';
import type { BackupContext, CommitOutput, VerifyOutput } from './types.js';

/**
 * Runs the Finalize step. Only the attempt that completes the record
 * publishes `Backup Succeeded`; a retry after that (the lease release or the
 * job update failed) finishes the rest without a second event.
 */
export async function finalizeBackup(deps: WorkflowDeps, input: { context: BackupContext; commit: CommitOutput; verify: VerifyOutput }): Promise<ExecutionRecord> {
  const { context, commit, verify } = input;
  const now = deps.now().toISOString();
  const current = await deps.catalog.executions.get(context.execution_id);
  const done = current.status === RecordStatus.Completed;
  const record = done ? current : await deps.catalog.executions.transition(context.execution_id, RecordStatus.Completed, {
    phase: 'completed',
    progress: 100,
    backup_type: context.type,
    result: {
      backup_id: context.backup_id,
      snapshot_id: commit.snapshot_id,
      snapshot_sha256: commit.snapshot_id,
      file_path: `${deps.vaults.vaultOf(context.vault_uri).uri}snapshots/${commit.snapshot_id}`,
      file_size: commit.bytes_stored,
      bytes_read: commit.bytes_read,
      bytes_new: commit.bytes_new,
      compression_ratio: commit.compression_ratio,
      dedup_ratio: commit.dedup_ratio,
      encryption: 'AES-256-GCM',
      checksum: `sha256:${commit.snapshot_id}`,
      records: commit.records,
      partitions: commit.partitions,
      created_at: now,
    },
    verification: {
      status: verify.status,
      checksum_verified: verify.checksum_verified,
      integrity_verified: verify.integrity_verified,
      test_restore_verified: false,
      verified_at: now,
    },
  });
  await deps.catalog.releaseLease(context.job_id, context.execution_id);
  const job = await deps.catalog.getJob(context.job_id);
  await deps.catalog.updateJob(context.job_id, { last_run: record.started_at, next_run: upcomingRun(job, deps.now()) });
  if (!done) await deps.publish(backupSucceeded(record));
  return record;
}

/** The job's next scheduled run after `now` (null when it has none, or its stored schedule no longer parses). */
function upcomingRun(job: JobRecord, now: Date): string | null {
  try {
    return jobNextRun(job, now)?.toISOString() ?? null;
  } catch {
    return null;
  }
}
