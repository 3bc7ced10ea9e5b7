/**
 * A backup's copies on its record (`copies[]`): one entry per copy vault,
 * changed by the copy workflow's steps. The steps of one copy execution run
 * one copy at a time and one execution runs per backup (its name is the
 * backup id), so a read-modify-write of the list loses nothing.
 */
import { CopyStatus, type BackupCopy, type ExecutionRecord } from '../../catalog/types.js';
import type { WorkflowDeps } from '../deps.js';

/** A copy not started yet. */
export function pendingCopy(vaultUri: string): BackupCopy {
  return { vault_uri: vaultUri, status: CopyStatus.Pending, snapshot_id: null, bytes_transferred: 0, blobs_transferred: 0, duration_ms: null, completed_at: null, error: null };
}

/**
 * Changes one copy's entry (added when missing).
 *
 * @param record - the backup's record as last read
 * @param vaultUri - the copy vault
 * @param patch - the fields to change
 * @returns the record after the update
 */
export async function updateCopy(deps: Pick<WorkflowDeps, 'catalog'>, record: ExecutionRecord, vaultUri: string, patch: Partial<BackupCopy>): Promise<ExecutionRecord> {
  const copies = [...(record.copies ?? [])];
  const at = copies.findIndex((c) => c.vault_uri === vaultUri);
  const entry = { ...(at >= 0 ? copies[at]! : pendingCopy(vaultUri)), ...patch };
  if (at >= 0) copies[at] = entry;
  else copies.push(entry);
  return deps.catalog.executions.annotate(record.execution_id, { copies });
}

/** The copy of a backup in a vault, if its record has one. */
export function copyIn(record: ExecutionRecord, vaultUri: string): BackupCopy | undefined {
  return record.copies?.find((c) => c.vault_uri === vaultUri);
}
