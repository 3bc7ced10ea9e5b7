/**
 * Prune (the last step of each vault's pass, after the phases of
 * `phases.ts`): sum what the phases staged, sweep stale staging areas and
 * the run's own (`vault/prune/`), and add it to the passes before; after
 * the last vault, emit `Prune Completed` (not for a dry run) and complete
 * the run's record with what the run did over every vault, retention's
 * forgotten backups included.
 */
import { InvalidTransitionError } from '../../catalog/errors.js';
import { RecordStatus } from '../../catalog/status.js';
import type { PruneRunResult } from '../../catalog/types.js';
import { HavenEventType } from '../../notifications/event-types.js';
import { finishPrune, type PruneResult } from '../../../vault/prune/prune.js';
import type { WorkflowDeps } from '../deps.js';
import type { PruneStepInput, PruneVaultOutput } from './types.js';

/** Runs the Prune step of one vault's pass; returns the result so far (after the last vault: what the run's record holds) and the next vault. */
export async function pruneStep(deps: WorkflowDeps, input: PruneStepInput): Promise<PruneVaultOutput> {
  const { settings } = input;
  const next = (input.vault_index ?? 0) + 1;
  const done = next >= (input.vault_count ?? 1);
  const pruned = addResults(input.sofar ?? null, await finishPrune(await deps.vault(deps.vaults.vaultOf(input.vault_uri)), input.prune_run_id, settings.dry_run));
  const result = pruneRunResult(pruned, input.forgotten);
  if (done) {
    if (!pruned.dry_run) await deps.publish({ detailType: HavenEventType.PruneCompleted, detail: { ...pruned } });
    await completeRun(deps, input.prune_run_id, result);
  }
  return { result, next, done };
}

/** The prune counts of the passes before (a run's result, whose own fields are left out) plus one more vault's. */
export function addResults(sofar: PruneResult | null, pruned: PruneResult): PruneResult {
  if (!sofar) return pruned;
  const sum: PruneResult = { ...pruned };
  for (const key of Object.keys(pruned) as (keyof PruneResult)[]) {
    const value = pruned[key];
    if (typeof value === 'number') (sum as unknown as Record<string, number>)[key] = value + Number(sofar[key] ?? 0);
  }
  return sum;
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
