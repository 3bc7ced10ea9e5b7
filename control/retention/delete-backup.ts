/** `DELETE /backup/backups/{backup_id}`: forget one backup now, unless it is running or locked. */
import { RecordStatus } from '../catalog/status.js';
import type { ExecutionRecord } from '../catalog/types.js';
import type { RetentionDeps } from './deps.js';
import { BackupInProgressError, BackupLockedError } from './errors.js';
import { DeletedBy, forgetBackup } from './forget.js';

/**
 * Deletes a backup: its snapshot leaves the vault (prune later frees the
 * packs only it used) and its record is marked `deleted_at` (it stays, so
 * history and audits still show it). Deleting a deleted backup returns its
 * record unchanged.
 *
 * @param deps - catalog, vault, clock and Object Lock (when the deployment has it)
 * @param backupId - `backup_<ulid>`
 * @returns the record as marked
 * @throws NotFoundError (code NotFound) for an unknown backup;
 *   BackupLockedError (code Conflict) while `locked`, `retention_until` is in the future, or the snapshot is under S3 Object Lock;
 *   BackupInProgressError (code Conflict) while the backup is queued or running
 */
export async function deleteBackup(deps: RetentionDeps, backupId: string): Promise<ExecutionRecord> {
  const record = await deps.catalog.getBackup(backupId);
  if (record.deleted_at) return record;
  if (record.status === RecordStatus.Queued || record.status === RecordStatus.Running) {
    throw new BackupInProgressError(`backup ${backupId} is ${record.status}; cancel it or wait for it to end`);
  }
  if (record.locked) throw new BackupLockedError(backupId, 'locked', record.retention_until);
  if (record.retention_until && Date.parse(record.retention_until) > deps.now().getTime()) {
    throw new BackupLockedError(backupId, 'retention_until', record.retention_until);
  }
  return forgetBackup(deps, record, DeletedBy.Api);
}
