/**
 * Plan copies: the copies a completed backup still needs, from its job's
 * `copies` (each resolved to its copy vault). Each is recorded `pending` on
 * the backup (a copy completed by an earlier run stays as it is and is not
 * planned again), and waits for what is left of its `delay`.
 */
import { RecordStatus } from '../../catalog/status.js';
import { CopyStatus, type ExecutionRecord } from '../../catalog/types.js';
import type { WorkflowDeps } from '../deps.js';
import { BackupNotCopyableError } from './errors.js';
import { copyIn, updateCopy } from './record.js';
import type { CopyPlan, CopyStartInput, PlannedCopy } from './types.js';

/**
 * Runs the Plan copies step.
 *
 * @throws BackupNotCopyableError when the backup is not completed or was forgotten; NotFoundError when it does not exist
 */
export async function planCopies(deps: WorkflowDeps, input: CopyStartInput): Promise<CopyPlan> {
  let record = await deps.catalog.getBackup(input.backup_id);
  if (record.status !== RecordStatus.Completed || !record.result) throw new BackupNotCopyableError(`backup ${input.backup_id} is ${record.status}; only completed backups are copied`);
  if (record.deleted_at) throw new BackupNotCopyableError(`backup ${input.backup_id} was forgotten at ${record.deleted_at}; there is nothing to copy`);
  const job = await deps.catalog.getJob(record.job_id);
  const copies: PlannedCopy[] = [];
  for (const copy of job.copies ?? []) {
    const vaultUri = deps.vaults.resolve({ bucket: copy.vault.bucket, path: copy.vault.path }).uri;
    if (copyIn(record, vaultUri)?.status === CopyStatus.Completed) continue;
    record = await updateCopy(deps, record, vaultUri, { status: CopyStatus.Pending, error: null });
    copies.push({ backup_id: record.backup_id, vault_uri: vaultUri, wait_seconds: waitSeconds(record, copy.delay ?? 0, deps.now()) });
  }
  return { backup_id: record.backup_id, copies };
}

/** What is left of a copy's delay after the backup completed. */
function waitSeconds(record: ExecutionRecord, delayMinutes: number, now: Date): number {
  const completed = Date.parse(record.completed_at ?? record.started_at);
  return Math.max(0, Math.ceil((completed + delayMinutes * 60_000 - now.getTime()) / 1000));
}
