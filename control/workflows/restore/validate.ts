/**
 * Validate: every partition's bytes were already checked against its digest
 * while restoring; here every batch must have staged what it restored
 * (`restored-<first index>`, covering every partition), and the record counts must add up (restored + skipped =
 * the snapshot's records), unless a key filter made the restore partial.
 */
import type { WorkflowDeps } from '../deps.js';
import { VerificationFailedError } from '../errors.js';
import { listStaged, readRequiredStaged } from '../../../vault/staging/staging.js';
import { mapLimit } from '../../../vault/util/concurrency.js';
import { readRestorePlan } from './staged-plan.js';
import type { PartitionRestored, RestoreContext, RestoredBatch } from './types.js';
import { vaultAt } from '../vault-opener.js';

/** Staged results read at once. */
const READS = 16;

/**
 * Runs the restore workflow's Validate step: gathers what each partition
 * staged, then {@link validateRestore}.
 *
 * @throws VerificationFailedError when a partition staged no result
 */
export async function validateStagedRestore(deps: WorkflowDeps, input: { context: RestoreContext }): Promise<RestoreValidation> {
  const { context } = input;
  const vault = await vaultAt(deps, context);
  const names = (await listStaged(vault, context.restore_id)).filter((name) => name.startsWith('restored-'));
  const restored = await mapLimit(names, READS, (name) => readRequiredStaged<RestoredBatch>(vault, context.restore_id, name));
  const partitions = restored.reduce((n, batch) => n + batch.items, 0);
  if (partitions !== context.partitions.count) {
    throw new VerificationFailedError(`restore ${context.restore_id}: ${partitions} of ${context.partitions.count} partitions staged what they restored`);
  }
  return validateRestore(deps, { context, restored });
}

/** What Validate found. */
export interface RestoreValidation {
  records_restored: number;
  records_skipped: number;
  data_size: number;
  counts_verified: boolean;
}

/** Checks what the partitions restored against the snapshot, and lets the target finish. */
export async function validateRestore(deps: WorkflowDeps, input: { context: RestoreContext; restored: PartitionRestored[] }): Promise<RestoreValidation> {
  const restored = input.restored.reduce((n, p) => n + p.r, 0);
  const skipped = input.restored.reduce((n, p) => n + p.s, 0);
  const size = input.restored.reduce((n, p) => n + p.b, 0);
  const vault = await vaultAt(deps, input.context);
  const plan = await readRestorePlan(vault, input.context);
  const partial = plan.select !== null;
  if (!partial && restored + skipped !== input.context.records_expected) {
    throw new VerificationFailedError(`restore ${input.context.restore_id}: ${restored} records restored and ${skipped} skipped, but the backup holds ${input.context.records_expected}`);
  }
  if (size !== input.context.bytes_expected) {
    throw new VerificationFailedError(`restore ${input.context.restore_id}: ${size} bytes read from the vault, the snapshot says ${input.context.bytes_expected}`);
  }
  const target = deps.target(plan.destination);
  if (target.finish) {
    // Targets that rebuild what a bulk load leaves out (PostgreSQL: constraints, indexes, sequence values).
    const snapshot = await vault.readSnapshot(input.context.snapshot_id);
    await target.finish({ skip_constraints: input.context.skip_constraints === true, skip_indexes: input.context.skip_indexes === true }, (snapshot.source.description ?? {}) as Record<string, unknown>);
  }
  return { records_restored: restored, records_skipped: skipped, data_size: size, counts_verified: !partial };
}
