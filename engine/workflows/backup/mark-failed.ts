/**
 * Mark failed: whatever state failed, record FAILED with a seed error code
 * and a message, release the job's lease (only this execution's), and drop
 * staged manifests. Packs already uploaded stay unreferenced until prune; no
 * snapshot was committed.
 */
import { RecordStatus, TERMINAL_STATUSES } from '../../catalog/status.js';
import { backupFailed } from '../../notifications/details.js';
import type { SourceConfig } from '../../catalog/types.js';
import type { WorkflowDeps } from '../deps.js';
import { causeMessage, errorCodeOf } from '../errors.js';
import { clearStaged, readStaged, type StagedPlan } from '../staging.js';
import type { BackupStartInput, PlanOutput } from './types.js';

/** The workflow state when a failure was caught. */
export interface FailedState extends BackupStartInput {
  plan?: PlanOutput;
  error?: { Error?: string; Cause?: string };
}

/** What Mark failed recorded. */
export interface FailureOutput {
  execution_id: string | null;
  code: string;
  message: string;
}

/** Runs the Mark failed step. */
export async function markBackupFailed(deps: WorkflowDeps, state: FailedState): Promise<FailureOutput> {
  const code = errorCodeOf(state.error?.Error);
  const message = causeMessage(state.error?.Cause);
  const executionId = state.plan?.execution_id ?? state.execution_id ?? null;
  if (executionId) await failExecution(deps, executionId, code, message);
  return { execution_id: executionId, code, message };
}

/**
 * Records an execution FAILED (unless it already ended), releases its lease
 * if it holds it, drops its staged objects, and emits `Backup Failed` once:
 * only the call that made the transition publishes.
 */
export async function failExecution(deps: WorkflowDeps, executionId: string, code: string, message: string): Promise<void> {
  const record = await deps.catalog.executions.find(executionId);
  if (!record) return;
  const ended = TERMINAL_STATUSES.includes(record.status);
  const failed = ended ? record : await deps.catalog.executions.transition(executionId, RecordStatus.Failed, { phase: 'failed', error: { code, message } });
  await deps.catalog.releaseLease(record.job_id, executionId);
  const vault = await deps.vault();
  await releaseSource(deps, await readStaged<StagedPlan>(vault, record.backup_id, 'plan').catch(() => undefined));
  await clearStaged(vault, record.backup_id).catch(() => {});
  if (!ended) {
    await deps.publish(backupFailed(failed, { code, message }));
  }
}

/** Lets the source end what the failed backup held open (best effort: the failure is already recorded). */
async function releaseSource(deps: WorkflowDeps, plan: StagedPlan | undefined): Promise<void> {
  if (!plan) return;
  try {
    await deps.source(plan.source as SourceConfig).release?.(plan.description);
  } catch {
    // the holder ends on its own when idle (docs/POSTGRES.md)
  }
}
