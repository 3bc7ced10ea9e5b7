/** Mark failed: record the restore FAILED with a seed error code and emit the outcome. */
import { RecordStatus, TERMINAL_STATUSES } from '../../catalog/status.js';
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
  const record = await deps.catalog.restores.find(id);
  if (record && !TERMINAL_STATUSES.includes(record.status)) {
    await deps.catalog.restores.transition(id, RecordStatus.Failed, { phase: 'failed', error: { code, message } });
  }
  await deps.publish({ detailType: 'Restore Failed', detail: { restore_id: id, backup_id: record?.backup_id ?? null, error_code: code, error_message: message } });
  return { execution_id: id, code, message };
}
