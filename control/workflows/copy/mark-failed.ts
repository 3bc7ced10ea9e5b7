/**
 * Mark copy failed: one copy failed (its Copy to vault step, after its
 * retries). The copy is recorded `failed` with the error's code and message
 * and `Copy Failed` is published; the backup itself stays completed. Only
 * the call that moves the copy to `failed` publishes, so a retry may run.
 */
import { copyFailed } from '../../notifications/details.js';
import { CopyStatus } from '../../catalog/types.js';
import type { WorkflowDeps } from '../deps.js';
import { failureMessage, failureOfCause } from '../errors.js';
import { copyIn, updateCopy } from './record.js';
import type { CopyFailedInput } from './types.js';

/** What Mark copy failed recorded. */
export interface CopyFailureOutput {
  vault_uri: string;
  code: string;
  message: string;
}

/** Runs the Mark copy failed step. */
export async function markCopyFailed(deps: WorkflowDeps, input: CopyFailedInput): Promise<CopyFailureOutput> {
  const caught = failureOfCause(input.error?.Cause);
  const failure = { code: caught.code, message: failureMessage(caught.message) };
  const record = await deps.catalog.getBackup(input.backup_id);
  if (copyIn(record, input.vault_uri)?.status !== CopyStatus.Failed) {
    await updateCopy(deps, record, input.vault_uri, { status: CopyStatus.Failed, completed_at: deps.now().toISOString(), error: failure });
    await deps.publish(copyFailed(record, input.vault_uri, failure));
  }
  return { vault_uri: input.vault_uri, ...failure };
}
