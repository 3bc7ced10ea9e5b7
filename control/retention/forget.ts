/**
 * Forget: apply a job's retention policy. The plan (`planRetention`) is the
 * pure policy over the job's catalog records; applying it removes each
 * forgotten backup's snapshot from its vault (the one its record names;
 * none: the primary) and marks its record
 * (`deleted_at`, `deleted_by`; the record stays). Packs are left to prune,
 * which deletes what no snapshot references any more.
 *
 * Order: the snapshot first, then the record. A crash in between leaves a
 * record the next run forgets again (deleting a missing snapshot is not an
 * error), never a live snapshot behind a record marked deleted.
 */
import type { ExecutionRecord } from '../catalog/types.js';
import { isLocked } from '../../vault/storage/object-lock.js';
import { candidateOf, listJobBackups, snapshotKey } from './backups.js';
import type { RetentionDeps } from './deps.js';
import { BackupLockedError } from './errors.js';
import { lockKeptBackup } from './locks.js';
import { evaluateRetention, type RetentionPlan } from './policy.js';

/** A job's retention plan (a dry run changes nothing). */
export interface JobRetentionPlan extends RetentionPlan {
  job_id: string;
  job_name: string;
}

/** Who forgot a backup. */
export const DeletedBy = {
  Retention: 'retention',
  Api: 'api',
} as const;
export type DeletedBy = (typeof DeletedBy)[keyof typeof DeletedBy];

/** What applying a job's retention did. */
export interface AppliedRetention {
  job_id: string;
  kept: number;
  forgotten: string[];
  /** Forgotten by the policy but locked in the vault (S3 Object Lock): kept until the lock ends. */
  skipped: Array<{ backup_id: string; reason: string }>;
  /** Kept backups and how long the policy keeps them (for Object Lock extension). */
  keep_until: Array<{ backup_id: string; snapshot_id: string; until: string }>;
  /** Snapshots whose Object Lock was extended to cover the policy. */
  locks_extended: number;
}

async function loadPlan(deps: RetentionDeps, jobId: string): Promise<{ plan: JobRetentionPlan; records: Map<string, ExecutionRecord> }> {
  const job = await deps.catalog.getJob(jobId);
  const records = await listJobBackups(deps.catalog, jobId);
  const plan = evaluateRetention(records.map(candidateOf), job.retention, { timeZone: job.schedule?.timezone || 'UTC', now: deps.now() });
  return { plan: { job_id: job.job_id, job_name: job.job_name, ...plan }, records: new Map(records.map((r) => [r.backup_id, r])) };
}

/**
 * What a job's retention policy would keep and forget now, changing nothing
 * (the API's and CLI's dry run).
 *
 * @param deps - the catalog and clock
 * @param jobId - the job
 * @returns the plan: keep (with reasons), forget and ignored, newest first
 * @throws NotFoundError for an unknown job; InvalidRetentionPolicyError for a malformed policy or zone
 */
export async function planRetention(deps: RetentionDeps, jobId: string): Promise<JobRetentionPlan> {
  return (await loadPlan(deps, jobId)).plan;
}

/**
 * Forgets one backup: deletes its snapshot from the vault, then marks its
 * record deleted. Refuses a snapshot under S3 Object Lock.
 *
 * @returns the record as marked
 * @throws BackupLockedError when the snapshot is under Object Lock
 */
export async function forgetBackup(deps: RetentionDeps, record: ExecutionRecord, by: DeletedBy): Promise<ExecutionRecord> {
  const snapshotId = record.result?.snapshot_id;
  if (snapshotId) {
    const key = snapshotKey(snapshotId);
    const location = deps.vaults.vaultOf(record.vault_uri);
    const retention = await deps.objectLock(location)?.retention(key);
    if (isLocked(retention, deps.now())) throw new BackupLockedError(record.backup_id, `S3 Object Lock (${retention.mode})`, retention.until.toISOString());
    const vault = await deps.vault(location);
    await vault.store.delete(key);
  }
  return deps.catalog.executions.annotate(record.execution_id, { deleted_at: deps.now().toISOString(), deleted_by: by });
}

/**
 * Applies a job's retention: forgets what the policy lets go (skipping
 * snapshots still under Object Lock) and emits `Retention Applied`.
 *
 * @returns counts, the ids forgotten and skipped, and how long kept backups are kept
 */
export async function applyRetention(deps: RetentionDeps, jobId: string): Promise<AppliedRetention> {
  const { plan, records } = await loadPlan(deps, jobId);
  const out: AppliedRetention = { job_id: jobId, kept: plan.keep.length, forgotten: [], skipped: [], keep_until: [], locks_extended: 0 };
  for (const item of plan.forget) {
    try {
      await forgetBackup(deps, records.get(item.backup_id)!, DeletedBy.Retention);
      out.forgotten.push(item.backup_id);
    } catch (error) {
      if (!(error instanceof BackupLockedError)) throw error;
      out.skipped.push({ backup_id: item.backup_id, reason: error.message });
    }
  }
  for (const item of plan.keep) {
    const record = records.get(item.backup_id);
    if (!item.keep_until || !record?.result?.snapshot_id) continue;
    out.keep_until.push({ backup_id: item.backup_id, snapshot_id: record.result.snapshot_id, until: item.keep_until });
    const locker = deps.objectLock(deps.vaults.vaultOf(record.vault_uri));
    if (locker && (await lockKeptBackup(deps, locker, record, item.keep_until))) out.locks_extended += 1;
  }
  await deps.publish({
    detailType: 'Retention Applied',
    detail: { job_id: jobId, kept: out.kept, forgotten: out.forgotten.length, skipped: out.skipped.length, forgotten_backup_ids: out.forgotten },
  });
  return out;
}
