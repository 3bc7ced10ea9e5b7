/**
 * Mark failed: a prune step failed (the vault or the catalog unreachable, a
 * key denied, bad settings). Emits `Prune Failed` with a seed error code and
 * the message, naming the run by its execution, so the failure is not
 * silent; the workflow then ends FAILED. Nothing is undone: what retention
 * forgot stays forgotten, and a prune interrupted between its writes and
 * deletes is safe to run again (docs/RETENTION.md).
 */
import type { WorkflowDeps } from '../deps.js';
import { causeMessage, errorCodeOf } from '../errors.js';
import type { PruneFailure } from './types.js';

/** The `Prune Failed` outcome event's detail type. */
export const PRUNE_FAILED = 'Prune Failed';

/** What the prune workflow's Mark failed state passes: the execution's name and the caught error. */
export interface FailedPruneState {
  execution: string;
  error?: { Error?: string; Cause?: string };
}

/** Runs the prune Mark failed step. */
export async function markPruneFailed(deps: WorkflowDeps, state: FailedPruneState): Promise<PruneFailure> {
  const failure: PruneFailure = { execution: state.execution, code: errorCodeOf(state.error?.Error), message: causeMessage(state.error?.Cause), failed_at: deps.now().toISOString() };
  await deps.publish({ detailType: PRUNE_FAILED, detail: { execution: failure.execution, error_code: failure.code, error_message: failure.message }, severity: 'failure' });
  return failure;
}
