/**
 * Prune (the last step, after the phases of `phases.ts`): sum what the
 * phases staged, sweep stale staging areas and the run's own
 * (`vault/prune/`); emit `Prune Completed` (not for a dry run); then
 * complete the run's record with what the run did, retention's forgotten
 * backups included.
 */
import { InvalidTransitionError } from '../../catalog/errors.js';
import { RecordStatus } from '../../catalog/status.js';
import type { PruneRunResult } from '../../catalog/types.js';
import { HavenEventType } from '../../notifications/event-types.js';
import { finishPrune, type PruneResult } from '../../../vault/prune/prune.js';
import type { WorkflowDeps } from '../deps.js';
import type { PruneStepInput } from './types.js';

/** Runs the Prune step; returns what the run's record holds as its result. */
export async function pruneStep(deps: WorkflowDeps, input: PruneStepInput): Promise<PruneRunResult> {
  const { settings } = input;
  const pruned = await finishPrune(await deps.vault(), input.prune_run_id, settings.dry_run);
  if (!pruned.dry_run) await deps.publish({ detailType: HavenEventType.PruneCompleted, detail: { ...pruned } });
  const result = pruneRunResult(pruned, input.forgotten);
  await completeRun(deps, input.prune_run_id, result);
  return result;
}

/**
 * @param pruned - the prune's counts
 * @param forgotten - each job's forgotten backups
 * @returns the run's result
 */
export function pruneRunResult(pruned: PruneResult, forgotten: readonly number[]): PruneRunResult {
  return {
    ...pruned,
    jobs: forgotten.length,
    backups_forgotten: forgotten.reduce((sum, n) => sum + n, 0),
    bytes_freed: Math.max(0, pruned.bytes_deleted - pruned.bytes_written),
  };
}

/** Completes the run; a record an earlier attempt already completed is left as it is. */
async function completeRun(deps: WorkflowDeps, id: string, result: PruneRunResult): Promise<void> {
  try {
    await deps.catalog.pruneRuns.transition(id, RecordStatus.Completed, { phase: 'completed', result });
  } catch (error) {
    if (error instanceof InvalidTransitionError && error.from === RecordStatus.Completed) return;
    throw error;
  }
}
