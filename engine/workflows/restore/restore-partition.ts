/**
 * Restore partition (one Map iteration): stream one partition out of the
 * vault, verified blob by blob and against the partition's size and
 * SHA-256, into the target.
 */
import { openSnapshot, restorePartition } from '../../restore/restorer.js';
import type { WorkflowDeps } from '../deps.js';
import type { PartitionRestored, RestoreContext } from './types.js';

/** Runs one Restore partition iteration. */
export async function restoreOnePartition(deps: WorkflowDeps, input: { context: RestoreContext; partition: string }): Promise<PartitionRestored> {
  const { context } = input;
  const vault = await deps.vault();
  const opened = await openSnapshot(vault, context.snapshot_id);
  const target = deps.target({ ...context.destination, ...(context.select ? { select: context.select } : {}) });
  let bytes = 0;
  const stream = restorePartition(vault, opened.index, opened.snapshot, input.partition, { onProgress: (n) => (bytes = n) });
  const result = await target.restore(stream, { conflict_policy: context.conflict_policy });
  return { r: result.records, s: result.skipped, b: bytes };
}
