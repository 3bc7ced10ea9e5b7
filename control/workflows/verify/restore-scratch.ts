/**
 * Restore into scratch (one child execution of the Distributed Map): the
 * child's partitions, one after the other, each through the restore
 * workflow's partition step (its bytes checked blob by blob and against its
 * digest as they leave the vault). A partition that fails is counted as
 * failed (its error name), not raised, so a damaged partition is a finding
 * for Compare, not a failure of the run, and every partition has ended
 * before cleanup removes the target; a transient error is raised instead,
 * for the Task's Retry. The batch stages what it did once, when it ends
 * (`scratch-<first partition>`: one object per batch, as the restore
 * workflow does, so 20,000 partitions do not cost 40,000 more requests); a
 * batch whose result is staged is skipped, and one retried midway restores
 * its partitions again (scratch targets, DynamoDB and S3, write
 * idempotently).
 */
import { HavenError } from '../../../vault/errors.js';
import { restoreOnePartition } from '../restore/restore-partition.js';
import type { PartitionRestored, RestoreContext } from '../restore/types.js';
import type { WorkflowDeps } from '../deps.js';
import { findScratchResult, writeScratchResult } from './staged.js';
import type { BatchOutput } from '../backup/types.js';
import type { ScratchBatchInput, ScratchBatchResult } from './types.js';
import { vaultAt } from '../vault-opener.js';

/** Runs one Restore into scratch child: its partitions, unless it staged what it did already. */
export async function restoreScratchBatch(deps: WorkflowDeps, input: ScratchBatchInput): Promise<BatchOutput> {
  const { context: run, restore } = input.BatchInput;
  const first = input.Items[0];
  if (first === undefined) return { items: 0, skipped: 0 };
  const vault = await vaultAt(deps, run);
  if (await findScratchResult(vault, run.run_id, first)) return { items: input.Items.length, skipped: input.Items.length };
  const result: ScratchBatchResult = { items: 0, r: 0, s: 0, b: 0, failed: [] };
  for (const index of input.Items) {
    const partition = await restoreOrRecord(deps, restore, index);
    result.items += 1;
    if ('failed' in partition) {
      result.failed.push(partition.failed);
      continue;
    }
    result.r += partition.r;
    result.s += partition.s;
    result.b += partition.b;
  }
  await writeScratchResult(vault, run.run_id, first, result);
  return { items: input.Items.length, skipped: 0 };
}

/** Restores one partition; a failure that retrying cannot cure is its result. */
async function restoreOrRecord(deps: WorkflowDeps, context: RestoreContext, index: number): Promise<PartitionRestored | { failed: string }> {
  try {
    return await restoreOnePartition(deps, { context, index });
  } catch (error) {
    if (error instanceof HavenError && error.transient) throw error;
    return { failed: error instanceof Error ? error.name : 'Error' };
  }
}
