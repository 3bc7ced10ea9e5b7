/**
 * The prune run's catalog record: opened by List jobs, completed by Prune,
 * failed by Mark failed. Its id comes from the execution's name
 * (`pruneRunIdOf`), so a retried step finds the record an earlier attempt
 * made.
 */
import { AlreadyExistsError } from '../../catalog/errors.js';
import { pruneRunIdOf } from '../../catalog/ids.js';
import { RecordStatus } from '../../catalog/status.js';
import type { PruneRunRecord, PruneRunSettings } from '../../catalog/types.js';
import type { WorkflowDeps } from '../deps.js';

/** The phase of a run from List jobs until Prune or Mark failed ends it. */
export const PRUNE_RUN_PHASE = 'applying retention';

/**
 * Creates the execution's run record `running`, or finds the one already there.
 *
 * @param deps - the catalog
 * @param execution - the Step Functions execution's name
 * @param settings - the run's settings, when they are valid
 * @returns the record (as created, or as an earlier attempt left it)
 */
export async function openPruneRun(deps: WorkflowDeps, execution: string, settings?: PruneRunSettings): Promise<PruneRunRecord> {
  const id = pruneRunIdOf(execution);
  try {
    return await deps.catalog.pruneRuns.create({
      prune_run_id: id,
      execution_name: execution,
      status: RecordStatus.Running,
      phase: PRUNE_RUN_PHASE,
      ...(settings !== undefined ? { settings } : {}),
    });
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    return deps.catalog.pruneRuns.get(id);
  }
}
