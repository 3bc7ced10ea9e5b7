/**
 * Verify (at the job's level): every pack the snapshot references exists
 * with its size; with checksum verification, every pack this backup wrote is
 * downloaded, hashed and every blob authenticated.
 */
import { checkVault } from '../../../vault/checker/checker.js';
import type { WorkflowDeps } from '../deps.js';
import { VerificationFailedError } from '../errors.js';
import type { BackupContext, CommitOutput, VerifyOutput } from './types.js';
import { vaultAt } from '../vault-opener.js';

/** Runs the Verify step. */
export async function verifyBackup(deps: WorkflowDeps, input: { context: BackupContext; commit: CommitOutput }): Promise<VerifyOutput> {
  const job = await deps.catalog.getJob(input.context.job_id);
  if (input.context.skip_verification || job.verification?.enabled === false) {
    return { status: 'skipped', checksum_verified: false, integrity_verified: false, packs_checked: 0 };
  }
  const vault = await vaultAt(deps, input.context);
  const snapshot = await vault.readSnapshot(input.commit.snapshot_id);
  const own = new Set<string>();
  for (const id of snapshot.index_ids) for (const pack of await vault.readIndex(id)) own.add(pack.id);
  const readData = job.verification?.checksum_verification !== false;
  const report = await checkVault(vault, { snapshotIds: [input.commit.snapshot_id], readData, selectPack: (pack) => own.has(pack.id) });
  const mine = report.issues.filter((issue) => issue.snapshots.includes(input.commit.snapshot_id) || (issue.pack !== undefined && own.has(issue.pack)));
  if (mine.length > 0) {
    throw new VerificationFailedError(`backup ${input.context.backup_id} failed verification: ${mine.map((i) => i.message).join('; ').slice(0, 1500)}`);
  }
  return { status: 'passed', checksum_verified: readData, integrity_verified: true, packs_checked: report.packsRead };
}
