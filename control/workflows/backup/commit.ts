/**
 * Commit snapshot: gather the staged partition manifests and plan, write the snapshot
 * (the commit point: every pack, index and blob list it needs is already
 * stored; the manifests reference the lists, so no blob id passes here), then
 * clear the staging area. The snapshot's id is the SHA-256 of its stored
 * bytes; the catalog records it for tamper detection.
 */
import type { SourceConfig } from '../../catalog/types.js';
import { commitSnapshot } from '../../../vault/backup/run-backup.js';
import type { SessionResult } from '../../../vault/backup/backup-session.js';
import type { WorkflowDeps } from '../deps.js';
import { IncompleteBackupError } from '../errors.js';
import { clearStaged, listStaged, readRequiredStaged, readStaged, type StagedPartition, type StagedPlan } from '../../../vault/staging/staging.js';
import { mapLimit } from '../../../vault/util/concurrency.js';
import type { BackupContext, CommitOutput } from './types.js';
import { vaultAt } from '../vault-opener.js';

/** Runs the Commit snapshot step. */
export async function commitBackup(deps: WorkflowDeps, context: BackupContext): Promise<CommitOutput> {
  const vault = await vaultAt(deps, context);
  // One manifest per export batch, named by its first partition: in partition order once sorted.
  const names = (await listStaged(vault, context.backup_id)).filter((n) => n.startsWith('partition-')).sort();
  const staged = await mapLimit(names, 8, async (name) => (await readStaged<StagedPartition>(vault, context.backup_id, name))!);
  const exported = new Set(staged.flatMap((s) => s.partitions.map((p) => p.name))).size;
  if (exported !== context.partitions.count) {
    throw new IncompleteBackupError(`backup ${context.backup_id}: ${exported} of ${context.partitions.count} partitions were staged`);
  }
  const plan = await readRequiredStaged<StagedPlan<SourceConfig>>(vault, context.backup_id, 'plan');
  const results: SessionResult[] = staged.map((s) => ({ ...s, packs: [] }));
  const stored = await commitSnapshot(
    vault,
    { backupId: context.backup_id, jobId: context.job_id, source: { ...plan.source, description: plan.description } },
    { type: context.type, parent: context.parent },
    results,
  );
  await clearStaged(vault, context.backup_id);
  await deps.source(plan.source).release?.(plan.description);
  const stats = stored.snapshot.stats;
  return {
    snapshot_id: stored.id,
    records: stored.snapshot.partitions.reduce((n, p) => n + p.records, 0),
    partitions: stored.snapshot.partitions.length,
    bytes_read: stats.bytes_read,
    bytes_new: stats.bytes_new,
    bytes_stored: stats.bytes_stored,
    compression_ratio: stats.compression_ratio,
    dedup_ratio: stats.dedup_ratio,
  };
}
