/**
 * Mark failed: a prune step failed (the vault or the catalog unreachable, a
 * key denied, bad settings). Records the run's catalog record FAILED with a
 * seed error code and the (redacted) message, and emits `Prune Failed`,
 * naming the run by its execution, once: only the call that made the
 * transition publishes, so a retried Mark failed never announces twice.
 * A run whose List jobs never opened its record gets one here. The workflow
 * then ends FAILED. Nothing is undone: what retention forgot stays
 * forgotten, and a prune interrupted between its writes and deletes is safe
 * to run again (docs/RETENTION.md).
 *
 * A failed Distributed Map child (Mark, Join, Sweep) calls it itself
 * (`from_item`, with its batch's context), since the parent Map only sees
 * `States.ExceedToleratedFailureThreshold`: that records the item's code and
 * announces it; the parent's Mark failed then finds the record ended and
 * neither records nor announces again.
 */
import { HavenEventType } from '../../notifications/event-types.js';
import { InvalidTransitionError } from '../../catalog/errors.js';
import { isTerminal, RecordStatus } from '../../catalog/status.js';
import type { RecordError } from '../../catalog/types.js';
import type { WorkflowDeps } from '../deps.js';
import { failureOfCause } from '../errors.js';
import { openPruneRun } from './run-record.js';
import type { PruneFailure, PruneItemFailedInput } from './types.js';

/** The `Prune Failed` outcome event's detail type. */
export const PRUNE_FAILED = HavenEventType.PruneFailed;

/** What the prune workflow's Mark failed state passes: the execution's name (which names the run) and the caught error. */
export interface FailedPruneState {
  execution: string;
  error?: { Error?: string; Cause?: string };
}

/** Runs the prune Mark failed step (the parent's, or a failed Map child's with `from_item`). */
export async function markPruneFailed(deps: WorkflowDeps, state: FailedPruneState | PruneItemFailedInput): Promise<PruneFailure> {
  const error: RecordError = failureOfCause(state.error?.Cause);
  const run = 'from_item' in state ? await deps.catalog.pruneRuns.get(state.context.prune_run_id) : await openPruneRun(deps, state.execution);
  const execution = run.execution_name;
  const failed = !isTerminal(run.status) && (await transitionToFailed(deps, run.prune_run_id, error));
  if (failed) await deps.publish({ detailType: PRUNE_FAILED, detail: { execution, error_code: error.code, error_message: error.message } });
  return { execution, prune_run_id: run.prune_run_id, ...error, failed_at: deps.now().toISOString() };
}

/** Moves the run to FAILED; false when a concurrent call ended it first. */
async function transitionToFailed(deps: WorkflowDeps, id: string, error: RecordError): Promise<boolean> {
  try {
    await deps.catalog.pruneRuns.transition(id, RecordStatus.Failed, { phase: 'failed', error });
    return true;
  } catch (caught) {
    if (caught instanceof InvalidTransitionError) return false;
    throw caught;
  }
}
