/**
 * Safety backup: before an overwriting restore, back up the target as it is
 * now (a full backup into the vault under job `safety-<restore id>`), so
 * the overwrite can itself be undone. A target that doesn't exist yet has
 * nothing to save.
 */
import { runBackup } from '../../../vault/backup/run-backup.js';
import { BackupType } from '../../../vault/snapshot/snapshot.js';
import { DEFAULT_COMPRESSION_ALGORITHM } from '../../../vault/compression/settings.js';
import { sourceConfigOf } from '../../../sources/config.js';
import { SourceNotFoundError } from '../../../sources/errors.js';
import type { WorkflowDeps } from '../deps.js';
import { readRestorePlan } from './staged-plan.js';
import type { RestoreContext } from './types.js';
import { vaultAt } from '../vault-opener.js';

/** What the safety backup wrote. */
export interface SafetyBackupOutput {
  snapshot_id: string | null;
  records: number;
}

/** Runs the Safety backup step. */
export async function safetyBackup(deps: WorkflowDeps, context: RestoreContext): Promise<SafetyBackupOutput> {
  const vault = await vaultAt(deps, context);
  const { destination } = await readRestorePlan(vault, context);
  const source = deps.source(sourceConfigOf(destination));
  let partitions;
  try {
    partitions = await source.plan();
  } catch (error) {
    if (error instanceof SourceNotFoundError) return { snapshot_id: null, records: 0 };
    throw error;
  }
  const description = await source.describe();
  const counters = partitions.map(() => ({ records: 0 }));
  const stored = await runBackup(
    vault,
    { backupId: `safety_${context.restore_id}`, jobId: `safety-${context.restore_id}`, type: BackupType.Full, source: { ...destination, description }, compression: { algorithm: DEFAULT_COMPRESSION_ALGORITHM } },
    partitions.map((p, i) => ({ name: p.name, source: source.export(p, counters[i]!), options: { records: () => counters[i]!.records } })),
  ).finally(() => source.release?.(description));
  await deps.catalog.restores.updateProgress(context.restore_id, { progress: 10, phase: 'safety backup written' });
  return { snapshot_id: stored.id, records: counters.reduce((n, c) => n + c.records, 0) };
}
