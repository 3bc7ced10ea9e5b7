/**
 * Restore into scratch (one child execution of the Distributed Map): the
 * child's partitions, one after the other, each through the restore
 * workflow's partition step (its bytes checked blob by blob and against its
 * SHA-256 as they leave the vault). Each partition stages its result
 * (`scratch-<n>`): its counts, or the name of the error that failed it, so a
 * damaged partition is a finding for Compare, not a failure of the run, and
 * every partition has ended before cleanup removes the target. A transient
 * error is raised instead, for the Task's Retry; a partition that staged its
 * result already is skipped, so a retried child redoes only what it had not
 * done.
 */
import { HavenError } from '../../../vault/errors.js';
import { restoreOnePartition } from '../restore/restore-partition.js';
import type { RestoreContext } from '../restore/types.js';
import type { WorkflowDeps } from '../deps.js';
import { findScratchResult, writeScratchResult } from './staged.js';
import type { BatchOutput } from '../backup/types.js';
import type { ScratchBatchInput, ScratchPartitionResult } from './types.js';

/** Runs one Restore into scratch child: each of its partitions not restored yet. */
export async function restoreScratchBatch(deps: WorkflowDeps, input: ScratchBatchInput): Promise<BatchOutput> {
  const { context: run, restore } = input.BatchInput;
  const vault = await deps.vault();
  let skipped = 0;
  for (const index of input.Items) {
    if (await findScratchResult(vault, run.run_id, index)) {
      skipped += 1;
      continue;
    }
    await writeScratchResult(vault, run.run_id, index, await restoreOrRecord(deps, restore, index));
  }
  return { items: input.Items.length, skipped };
}

/** Restores one partition; a failure that retrying cannot cure is its result. */
async function restoreOrRecord(deps: WorkflowDeps, context: RestoreContext, index: number): Promise<ScratchPartitionResult> {
  try {
    return await restoreOnePartition(deps, { context, index });
  } catch (error) {
    if (error instanceof HavenError && error.transient) throw error;
    return { failed: error instanceof Error ? error.name : 'Error' };
  }
}
