/**
 * Mark failed: a step failed for a reason other than damage (the vault
 * unreachable, a key denied, a bad request). Records the run's verifications
 * FAILED with a seed error code, emits `Verification Failed` (once: only
 * the call that failed records publishes), clears the run's staging.
 * Damage found is not a failure of the run: Finalize records it.
 *
 * A Distributed Map child whose Task failed calls it too (Record failure,
 * `from_item`), because the Map's own error (`States.ExceedToleratedFailureThreshold`)
 * does not carry the child's: that call records the child's code and
 * leaves staging alone, since other children may still be running. The
 * workflow's own call then finds the records failed, keeps their code, and
 * clears staging.
 */
import { InvalidTransitionError } from '../../catalog/errors.js';
import { isTerminal, RecordStatus } from '../../catalog/status.js';
import type { WorkflowDeps } from '../deps.js';
import { failureOfCause } from '../errors.js';
import { clearStaged } from '../../../vault/staging/staging.js';
import type { FailureOutput } from '../backup/mark-failed.js';
import { runIdOf } from './plan.js';
import { findVerifyPlan } from './staged.js';
import type { VerifyExecution, VerifyRun } from './types.js';
import { vaultAt, type VaultRef } from '../vault-opener.js';

/** What a Distributed Map child's Record failure sends: the run (its `BatchInput.context`). */
export interface ItemFailure {
  context: VerifyRun;
  from_item: true;
}

/** What Mark failed receives: the execution (the workflow's call) or the run (a child's), with the caught error. */
export type VerifyFailureInput = (VerifyExecution | ItemFailure) & { error?: { Error?: string; Cause?: string } };

/** Runs the verify Mark failed step. */
export async function markVerificationFailed(deps: WorkflowDeps, state: VerifyFailureInput): Promise<FailureOutput> {
  const { code, message } = failureOfCause(state.error?.Cause);
  const fromItem = 'from_item' in state;
  const runId = fromItem ? state.context.run_id : runIdOf(state);
  const single = fromItem ? state.context.verification_id : state.input.verification_id;
  let ids: string[] = single ? [single] : [];
  let vault;
  try {
    vault = await vaultAt(deps, fromItem ? state.context : await runVaultOf(deps, state.input));
    const plan = await findVerifyPlan(vault, runId);
    if (plan) ids = plan.targets.map((t) => t.verification_id);
  } catch {
    // The vault itself may be what failed; the single verification is still recorded.
  }
  const failed: string[] = [];
  let found = 0;
  for (const id of ids) {
    const record = await deps.catalog.verifications.find(id);
    if (!record) continue;
    found += 1;
    if (!isTerminal(record.status) && (await transitionToFailed(deps, id, { code, message }))) failed.push(id);
  }
  // Once: by the call that failed the records (or, when the run has none, by every call).
  if (failed.length > 0 || found === 0) {
    await deps.publish({ detailType: 'Verification Failed', detail: { run_id: runId, verification_ids: (failed.length > 0 ? failed : ids).slice(0, 100), error_code: code, error_message: message } });
  }
  // A child's call: other children may still be running, and the workflow's own call clears staging.
  if (vault && !fromItem) await clearStaged(vault, runId).catch(() => undefined);
  return { execution_id: ids[0] ?? null, code, message };
}

/** Moves a verification to FAILED; false when a concurrent call ended it first. */
async function transitionToFailed(deps: WorkflowDeps, id: string, error: { code: string; message: string }): Promise<boolean> {
  try {
    await deps.catalog.verifications.transition(id, RecordStatus.Failed, { phase: 'failed', error });
    return true;
  } catch (caught) {
    if (caught instanceof InvalidTransitionError) return false;
    throw caught;
  }
}

/** The vault a run staged in: the one that served its verification, else its backup's; or its sweep's. */
async function runVaultOf(deps: WorkflowDeps, input: VerifyExecution['input']): Promise<VaultRef> {
  if (!input.verification_id) return { vault_uri: input.sweep?.vault_uri ?? null };
  const record = await deps.catalog.verifications.get(input.verification_id);
  if (record.served_from) return { vault_uri: record.served_from.vault_uri };
  return { vault_uri: (await deps.catalog.getBackup(record.backup_id)).vault_uri ?? null };
}
