/**
 * Restore partition (one Map iteration): read the partition's name from the
 * staged list by index and the destination from the staged plan, then
 * stream the partition out of the vault, verified blob by blob and against
 * the partition's size and SHA-256, into the target.
 */
import { openSnapshot, restorePartition } from '../../../vault/restore/restorer.js';
import type { WorkflowDeps } from '../deps.js';
import { readListItem } from '../../../vault/staging/staged-list.js';
import { readRestorePlan } from './staged-plan.js';
import type { PartitionRestored, RestorePartitionInput } from './types.js';

/** Runs one Restore partition iteration. */
export async function restoreOnePartition(deps: WorkflowDeps, input: RestorePartitionInput): Promise<PartitionRestored> {
  const { context } = input;
  const vault = await deps.vault();
  const name = await readListItem<string>(vault, context.partitions, input.index);
  const plan = await readRestorePlan(vault, context);
  const opened = await openSnapshot(vault, context.snapshot_id);
  const target = deps.target({ ...plan.destination, ...(plan.select ? { select: plan.select } : {}) });
  let bytes = 0;
  const stream = restorePartition(vault, opened.index, opened.snapshot, name, { onProgress: (n) => (bytes = n) });
  const result = await target.restore(stream, { conflict_policy: context.conflict_policy });
  return { r: result.records, s: result.skipped, b: bytes };
}
