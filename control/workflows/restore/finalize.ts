/**
 * Finalize: record the restore COMPLETED with its counts, drop its staging
 * area and emit the outcome. Only the attempt that completes the record
 * publishes; a retry after that finishes the rest without a second event.
 */
import { RecordStatus } from '../../catalog/status.js';
import type { RestoreRecord } from '../../catalog/types.js';
import { restoreSucceeded } from '../../notifications/details.js';
import type { WorkflowDeps } from '../deps.js';
import { clearStaged } from '../../../vault/staging/staging.js';
import type { RestoreContext } from './types.js';
import type { SafetyBackupOutput } from './safety-backup.js';
import type { RestoreValidation } from './validate.js';
import { vaultAt } from '../vault-opener.js';

/** Runs the restore Finalize step. */
export async function finalizeRestore(deps: WorkflowDeps, input: { context: RestoreContext; validation: RestoreValidation; safety?: SafetyBackupOutput | null }): Promise<RestoreRecord> {
  const { context, validation } = input;
  const now = deps.now().toISOString();
  const current = await deps.catalog.restores.get(context.restore_id);
  const done = current.status === RecordStatus.Completed;
  const record = done
    ? current
    : await deps.catalog.restores.transition(context.restore_id, RecordStatus.Completed, {
        phase: 'completed',
        progress: 100,
        result: { tables_restored: context.requested_partitions ?? 1, records_restored: validation.records_restored, data_size: validation.data_size, restored_at: now },
        verification: { status: 'passed', data_integrity_verified: true, constraints_verified: validation.counts_verified, indexes_verified: validation.counts_verified, verified_at: now },
      });
  // Best effort: the restore is complete; a prune sweeps an area left behind.
  await clearStaged(await vaultAt(deps, context), context.plan.area).catch(() => {});
  if (done) return record;
  await deps.publish(
    restoreSucceeded(record, { records_restored: validation.records_restored, records_skipped: validation.records_skipped, data_size: validation.data_size, safety_snapshot_id: input.safety?.snapshot_id ?? null }),
  );
  return record;
}
