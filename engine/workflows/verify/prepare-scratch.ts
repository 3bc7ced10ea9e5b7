/**
 * Prepare scratch: create the test restore's scratch target (a table from
 * the snapshot's schema, or an empty `haven-verify-…/` prefix) through the
 * restore target's own `prepare`, and build the restore context the
 * restore workflow's partition step takes.
 */
import { ConflictPolicy } from '../../sources/source.js';
import type { ScratchTarget } from '../../verification/scratch.js';
import type { WorkflowDeps } from '../deps.js';
import { readVerifyPlan } from './staged.js';
import type { PrepareScratchOutput, VerifyRun } from './types.js';

const RESTORE_CONCURRENCY = 4;

/** Runs the Prepare scratch step. */
export async function prepareScratch(deps: WorkflowDeps, input: { run: VerifyRun; scratch: ScratchTarget }): Promise<PrepareScratchOutput> {
  const vault = await deps.vault();
  const plan = await readVerifyPlan(vault, input.run.run_id);
  const target = plan.targets[0]!;
  const snapshot = await vault.readSnapshot(target.snapshot_id);
  const destination: Record<string, unknown> = { ...input.scratch };
  await deps.target(destination).prepare({ conflict_policy: ConflictPolicy.FailIfExists, create_missing_tables: true }, (snapshot.source.description ?? {}) as Record<string, unknown>);
  await deps.catalog.verifications.updateProgress(target.verification_id, { progress: 50, phase: 'test restore' });
  return {
    context: {
      restore_id: target.verification_id,
      backup_id: target.backup_id,
      snapshot_id: target.snapshot_id,
      destination,
      conflict_policy: ConflictPolicy.FailIfExists,
      select: null,
      partitions: null,
      records_expected: snapshot.partitions.reduce((n, p) => n + p.records, 0),
      bytes_expected: snapshot.partitions.reduce((n, p) => n + p.size, 0),
    },
    partitions: snapshot.partitions.map((p) => p.name),
    max_concurrency: RESTORE_CONCURRENCY,
  };
}
