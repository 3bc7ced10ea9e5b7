/**
 * Prepare scratch: create the test restore's scratch target (a table from
 * the snapshot's schema, or an empty `haven-verify-…/` prefix) through the
 * restore target's own `prepare`, and build the restore context the
 * restore workflow's partition step takes: the partition names and the
 * scratch destination are staged in the run's area, like a restore's, with
 * the item list the Restore into scratch Distributed Map reads (the
 * partition indexes).
 */
import { ConflictPolicy } from '../../../sources/source.js';
import type { ScratchTarget } from '../../verification/scratch.js';
import type { WorkflowDeps } from '../deps.js';
import { stageRunFanOut } from '../map-items.js';
import { stageRestorePlan } from '../restore/staged-plan.js';
import { batchingFor, RESTORE_BYTES_PER_SECOND } from '../backup/batching.js';
import { readVerifyPlan } from './staged.js';
import type { PrepareScratchOutput, VerifyRun } from './types.js';
import { vaultAt } from '../vault-opener.js';

/** The staged name of the scratch restore's plan in the run's area. */
export const SCRATCH_PLAN = 'scratch-plan';
/** The staged list of the scratch restore's partition names, and the name of the item list of their indexes. */
export const SCRATCH_PARTITION_LIST = 'scratch-partitions';

/** Runs the Prepare scratch step. */
export async function prepareScratch(deps: WorkflowDeps, input: { run: VerifyRun; scratch: ScratchTarget }): Promise<PrepareScratchOutput> {
  const vault = await vaultAt(deps, input.run);
  const area = input.run.run_id;
  const plan = await readVerifyPlan(vault, area);
  const target = plan.targets[0]!;
  const snapshot = await vault.readSnapshot(target.snapshot_id);
  const destination: Record<string, unknown> = { ...input.scratch };
  await deps.target(destination).prepare({ conflict_policy: ConflictPolicy.FailIfExists, create_missing_tables: true }, (snapshot.source.description ?? {}) as Record<string, unknown>);
  const { list: partitions, items } = await stageRunFanOut(deps, { vault, location: deps.vaults.vaultOf(input.run.vault_uri) }, area, SCRATCH_PARTITION_LIST, snapshot.partitions.map((p) => p.name));
  const restorePlan = await stageRestorePlan(vault, { area, name: SCRATCH_PLAN }, { destination, select: null });
  await deps.catalog.verifications.updateProgress(target.verification_id, { progress: 50, phase: 'test restore' });
  const bytes = snapshot.partitions.reduce((n, p) => n + p.size, 0);
  return {
    context: {
      restore_id: target.verification_id,
      backup_id: target.backup_id,
      snapshot_id: target.snapshot_id,
      conflict_policy: ConflictPolicy.FailIfExists,
      plan: restorePlan,
      partitions,
      requested_partitions: null,
      records_expected: snapshot.partitions.reduce((n, p) => n + p.records, 0),
      bytes_expected: bytes,
      ...(input.run.vault_uri ? { vault_uri: input.run.vault_uri } : {}),
    },
    items,
    // A restore's batching and default concurrency: a scratch target takes writes like any restore target.
    ...batchingFor({ items: partitions.count, bytes, bytesPerSecond: RESTORE_BYTES_PER_SECOND }),
  };
}
