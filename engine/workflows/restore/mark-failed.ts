/** Mark failed: record the restore FAILED with a seed error code and emit the outcome. */
import { RecordStatus, TERMINAL_STATUSES } from '../../catalog/status.js';
import { restoreFailed } from '../../notifications/details.js';
import type { WorkflowDeps } from '../deps.js';
import { causeMessage, errorCodeOf } from '../errors.js';
import type { FailureOutput } from '../backup/mark-failed.js';

/** The restore workflow's state when a failure was caught. */
export interface FailedRestoreState {
  restore_id?: string;
  error?: { Error?: string; Cause?: string };
}

/** Runs the restore Mark failed step. */
export async function markRestoreFailed(deps: WorkflowDeps, state: FailedRestoreState): Promise<FailureOutput> {
  const code = errorCodeOf(state.error?.Error);
  const message = causeMessage(state.error?.Cause);
  const id = state.restore_id ?? null;
  if (!id) return { execution_id: null, code, message };
  const found = await deps.catalog.restores.find(id);
  const record = found && !TERMINAL_STATUSES.includes(found.status) ? await deps.catalog.restores.transition(id, RecordStatus.Failed, { phase: 'failed', error: { code, message } }) : found;
  await deps.publish(restoreFailed(id, record, { code, message }));
  return { execution_id: id, code, message };
}
