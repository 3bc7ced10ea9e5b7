/**
 * Mark failed: record the restore FAILED with a seed error code, drop its
 * staging area, and emit `Restore Failed` once: only the call that made the
 * transition publishes (or, for a restore id with no record, every call).
 */
import { InvalidTransitionError } from '../../catalog/errors.js';
import { isTerminal, RecordStatus } from '../../catalog/status.js';
import type { RestoreRecord } from '../../catalog/types.js';
import { restoreFailed } from '../../notifications/details.js';
import type { WorkflowDeps } from '../deps.js';
import { failureOfCause } from '../errors.js';
import { clearStaged } from '../../../vault/staging/staging.js';
import type { FailureOutput } from '../backup/mark-failed.js';

/** The restore workflow's state when a failure was caught. */
export interface FailedRestoreState {
  restore_id?: string;
  error?: { Error?: string; Cause?: string };
}

/** Runs the restore Mark failed step. */
export async function markRestoreFailed(deps: WorkflowDeps, state: FailedRestoreState): Promise<FailureOutput> {
  const { code, message } = failureOfCause(state.error?.Cause);
  const id = state.restore_id ?? null;
  if (!id) return { execution_id: null, code, message };
  const found = await deps.catalog.restores.find(id);
  const failed = found && !isTerminal(found.status) ? await transitionToFailed(deps, id, { code, message }) : undefined;
  try {
    await clearStaged(await deps.vault(), id);
  } catch {
    // The vault may be what failed; a prune sweeps the area later.
  }
  if (failed || !found) await deps.publish(restoreFailed(id, failed ?? found, { code, message }));
  return { execution_id: id, code, message };
}

/** Moves the restore to FAILED; undefined when a concurrent call ended it first. */
async function transitionToFailed(deps: WorkflowDeps, id: string, error: { code: string; message: string }): Promise<RestoreRecord | undefined> {
  try {
    return await deps.catalog.restores.transition(id, RecordStatus.Failed, { phase: 'failed', error });
  } catch (caught) {
    if (caught instanceof InvalidTransitionError) return undefined;
    throw caught;
  }
}
