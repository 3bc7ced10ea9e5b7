/**
 * Mark failed: whatever state failed, record FAILED with the failure's code
 * and message (as the step wrapper sent them in the caught `Cause`), release the job's lease (only this execution's), and drop
 * staged manifests. Packs already uploaded stay unreferenced until prune; no
 * snapshot was committed.
 *
 * A Distributed Map's child cannot hand its error to the parent (the Map
 * fails with `States.ExceedToleratedFailureThreshold`), so a failed item's
 * batch calls Mark failed itself (`from_item`): that records the item's code
 * and announces it, but leaves the lease and the staging area alone (other
 * batches may still run). The parent's Mark failed then finds the record
 * failed, keeps its code, and cleans up.
 */
import type { SourceConfig } from '../../catalog/types.js';
import { InvalidTransitionError } from '../../catalog/errors.js';
import { isTerminal, RecordStatus } from '../../catalog/status.js';
import { backupFailed } from '../../notifications/details.js';
import type { ExecutionRecord, RecordError } from '../../catalog/types.js';
import type { WorkflowDeps } from '../deps.js';
import { failureMessage, failureOfCause } from '../errors.js';
import { clearStaged, readStaged, type StagedPlan } from '../../../vault/staging/staging.js';
import type { BackupContext, BackupStartInput, PlanOutput } from './types.js';
import { vaultAt } from '../vault-opener.js';

/** The workflow state when a failure was caught. */
export interface FailedState extends BackupStartInput {
  plan?: PlanOutput;
  error?: { Error?: string; Cause?: string };
}

/** What a Distributed Map child's Record failure state sends: its batch's context and its caught error. */
export interface ItemFailedInput {
  context: Pick<BackupContext, 'execution_id'>;
  error?: { Error?: string; Cause?: string };
  from_item: true;
}

/** What Mark failed recorded. */
export interface FailureOutput {
  execution_id: string | null;
  code: string;
  message: string;
}

/** Runs the Mark failed step. */
export async function markBackupFailed(deps: WorkflowDeps, state: FailedState): Promise<FailureOutput> {
  const caught = failureOfCause(state.error?.Cause);
  const executionId = state.plan?.execution_id ?? state.execution_id ?? null;
  const recorded = executionId ? await failExecution(deps, executionId, caught.code, caught.message) : caught;
  return { execution_id: executionId, ...recorded };
}

/**
 * Runs Mark failed for a failed item of a Distributed Map: records the
 * item's failure (unless the record already ended) without releasing the
 * lease or clearing staging.
 */
export async function markBackupItemFailed(deps: WorkflowDeps, input: ItemFailedInput): Promise<FailureOutput> {
  const caught = failureOfCause(input.error?.Cause);
  const executionId = input.context.execution_id;
  return { execution_id: executionId, ...(await failExecution(deps, executionId, caught.code, caught.message, { fromItem: true })) };
}

/** Options of {@link failExecution}. */
export interface FailOptions {
  /** Called from a failed item while other items may run: record and announce only (keep the lease and the staging area). @default false */
  fromItem?: boolean;
}

/**
 * Records an execution FAILED (unless it already ended), releases its lease
 * if it holds it, drops its staged objects, and emits `Backup Failed` once:
 * only the call that made the transition publishes (of two at once, the one
 * that lost the transition neither fails nor publishes).
 *
 * @param failure - the message, redacted here before it is recorded or announced
 * @param options - whether a failed item calls (then the lease and staging stay)
 * @returns the failure the record holds (the one given, unless the record had ended with another)
 */
export async function failExecution(deps: WorkflowDeps, executionId: string, code: string, failure: string, options: FailOptions = {}): Promise<RecordError> {
  const message = failureMessage(failure);
  const record = await deps.catalog.executions.find(executionId);
  if (!record) return { code, message };
  const failed = isTerminal(record.status) ? undefined : await transitionToFailed(deps, executionId, { code, message });
  if (!options.fromItem) await deps.catalog.releaseLease(record.job_id, executionId);
  if (failed) await deps.publish(backupFailed(failed, { code, message }));
  if (!options.fromItem) await cleanUp(deps, record);
  return failed ? { code, message } : ((await deps.catalog.executions.find(executionId))?.error ?? { code, message });
}

/** Ends what the source held open and drops the staging area: best effort (the vault may be what failed; a prune sweeps the area later). */
async function cleanUp(deps: WorkflowDeps, { backup_id: backupId, vault_uri }: ExecutionRecord): Promise<void> {
  try {
    const vault = await vaultAt(deps, { vault_uri });
    await releaseSource(deps, await readStaged<StagedPlan<SourceConfig>>(vault, backupId, 'plan').catch(() => undefined));
    await clearStaged(vault, backupId);
  } catch {
    // recorded and announced already
  }
}

/** Moves the record to FAILED; undefined when a concurrent call ended it first. */
async function transitionToFailed(deps: WorkflowDeps, executionId: string, error: RecordError): Promise<ExecutionRecord | undefined> {
  try {
    return await deps.catalog.executions.transition(executionId, RecordStatus.Failed, { phase: 'failed', error });
  } catch (caught) {
    if (caught instanceof InvalidTransitionError) return undefined;
    throw caught;
  }
}

/** Lets the source end what the failed backup held open (best effort: the failure is already recorded). */
async function releaseSource(deps: WorkflowDeps, plan: StagedPlan<SourceConfig> | undefined): Promise<void> {
  if (!plan) return;
  try {
    await deps.source(plan.source).release?.(plan.description);
  } catch {
    // the holder ends on its own when idle (docs/POSTGRES.md)
  }
}
