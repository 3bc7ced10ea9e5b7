/**
 * Mark failed: record the restore FAILED with a seed error code, drop its
 * staging area, and emit `Restore Failed` once: only the call that made the
 * transition publishes (or, for a restore id with no record, every call).
 *
 * A failed item of the Distributed Map calls it too (`from_item`, with its
 * batch's context): that records the item's code and announces it but keeps
 * the staging area (other batches may still run); the parent's Mark failed
 * then finds the record failed, keeps its code, and clears staging.
 */
import { InvalidTransitionError } from '../../catalog/errors.js';
import { isTerminal, RecordStatus } from '../../catalog/status.js';
import type { RestoreRecord } from '../../catalog/types.js';
import { restoreFailed } from '../../notifications/details.js';
import type { WorkflowDeps } from '../deps.js';
import { failureOfCause } from '../errors.js';
import { clearStaged } from '../../../vault/staging/staging.js';
import type { FailureOutput } from '../backup/mark-failed.js';
import { vaultAt } from '../vault-opener.js';

/** The restore workflow's state when a failure was caught (or, `from_item`, a failed item's batch context and error). */
export interface FailedRestoreState {
  restore_id?: string;
  error?: { Error?: string; Cause?: string };
  /** The failed item's batch context (with `from_item`). */
  context?: { restore_id: string };
  /** Called from a failed item while other items may run: record and announce only. */
  from_item?: boolean;
}

/** Runs the restore Mark failed step. */
export async function markRestoreFailed(deps: WorkflowDeps, state: FailedRestoreState): Promise<FailureOutput> {
  const { code, message } = failureOfCause(state.error?.Cause);
  const id = state.restore_id ?? state.context?.restore_id ?? null;
  if (!id) return { execution_id: null, code, message };
  const found = await deps.catalog.restores.find(id);
  const failed = found && !isTerminal(found.status) ? await transitionToFailed(deps, id, { code, message }) : undefined;
  if (!state.from_item) {
    try {
      // The restore staged in the vault that served it, else its backup's (the primary when the backup record is gone).
      const backup = found && !found.served_from ? await deps.catalog.findBackup(found.backup_id) : undefined;
      await clearStaged(await vaultAt(deps, { vault_uri: found?.served_from?.vault_uri ?? backup?.vault_uri }), id);
    } catch {
      // The vault may be what failed; a prune sweeps the area later.
    }
  }
  if (failed || !found) await deps.publish(restoreFailed(id, failed ?? found, { code, message }));
  // A record that had already failed (a failed item recorded it) keeps its code.
  const recorded = failed || !found ? { code, message } : ((await deps.catalog.restores.find(id))?.error ?? { code, message });
  return { execution_id: id, ...recorded };
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
