/**
 * Copy to vault: copies one backup's snapshot from its vault into one copy
 * vault with the engine (vault/copy/copier.ts): the copy vault is created
 * as a copy vault of the source on first use; only the chunks it lacks are
 * read, sealed again under its key and packed; the snapshot is written last
 * and verified in the copy vault, reading every new pack back (`readData`).
 * A re-run skips a copy the vault holds (the engine's origin check) and
 * copies only what an interrupted run left. The copy is recorded on the
 * backup: `running`, then `completed` with its counts.
 */
import { copySnapshot } from '../../../vault/copy/copier.js';
import { CopyStatus } from '../../catalog/types.js';
import type { WorkflowDeps } from '../deps.js';
import { vaultAt } from '../vault-opener.js';
import { CopyTooLargeError, CopyVaultsUnavailableError } from './errors.js';
import { CopyLimits } from './limits.js';
import { updateCopy } from './record.js';
import type { CopyOutcome, PlannedCopy } from './types.js';

/**
 * Runs the Copy to vault step.
 *
 * @throws CopyTooLargeError (over {@link CopyLimits.maxBytesPerInvocation}), the engine's errors (CopyTargetMismatchError, CorruptedBackupError, CopyVerificationError), storage and key errors
 */
export async function copyToVault(deps: WorkflowDeps, input: Pick<PlannedCopy, 'backup_id' | 'vault_uri'>): Promise<CopyOutcome> {
  if (!deps.copyVault) throw new CopyVaultsUnavailableError('this deployment cannot open copy vaults');
  let record = await deps.catalog.getBackup(input.backup_id);
  const snapshotId = record.result?.snapshot_id;
  if (!snapshotId) throw new CopyTooLargeError(`backup ${input.backup_id} has no snapshot to copy`);
  const size = record.result?.bytes_read ?? 0;
  if (size > CopyLimits.maxBytesPerInvocation) {
    throw new CopyTooLargeError(`backup ${input.backup_id} read ${size} bytes; one copy invocation copies at most ${CopyLimits.maxBytesPerInvocation} (docs/COPIES.md, "Limits")`);
  }
  const target = deps.vaults.locate(input.vault_uri);
  record = await updateCopy(deps, record, target.uri, { status: CopyStatus.Running, error: null });
  const source = await vaultAt(deps, { vault_uri: record.vault_uri });
  const result = await copySnapshot({ source, target: await deps.copyVault(target, source), snapshotId, readData: true });
  await updateCopy(deps, record, target.uri, {
    status: CopyStatus.Completed,
    snapshot_id: result.targetSnapshotId,
    bytes_transferred: result.bytesWritten,
    blobs_transferred: result.blobsCopied,
    duration_ms: result.durationMs,
    completed_at: deps.now().toISOString(),
    error: null,
  });
  return { vault_uri: target.uri, snapshot_id: result.targetSnapshotId, blobs_transferred: result.blobsCopied, bytes_transferred: result.bytesWritten, already_copied: result.alreadyCopied };
}
