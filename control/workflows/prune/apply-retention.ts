/**
 * Apply retention (one Map iteration per job): forget what the job's policy
 * lets go (a dry run only plans), then what each of its copy vaults' own
 * policies let go there (control/workflows/copy/retention.ts). A job whose policy cannot be evaluated is
 * reported, not failed: one bad policy must not stop every other job's
 * retention and the prune.
 */
import { applyRetention, planRetention } from '../../retention/forget.js';
import { InvalidRetentionPolicyError } from '../../retention/errors.js';
import type { WorkflowDeps } from '../deps.js';
import { applyCopyRetention } from '../copy/retention.js';
import type { JobRetentionInput, JobRetentionOutput } from './types.js';

/** Runs one Apply retention iteration. */
export async function applyJobRetention(deps: WorkflowDeps, input: JobRetentionInput): Promise<JobRetentionOutput> {
  try {
    if (input.settings.dry_run) {
      const plan = await planRetention(deps, input.job_id);
      const copies = await applyCopyRetention(deps, input.job_id, true);
      return { job_id: input.job_id, kept: plan.keep.length, forgotten: plan.forget.length, skipped: 0, locks_extended: 0, copies_forgotten: copiesForgotten(copies) };
    }
    const applied = await applyRetention(deps, input.job_id);
    const copies = await applyCopyRetention(deps, input.job_id);
    return { job_id: input.job_id, kept: applied.kept, forgotten: applied.forgotten.length, skipped: applied.skipped.length, locks_extended: applied.locks_extended, copies_forgotten: copiesForgotten(copies) };
  } catch (error) {
    if (!(error instanceof InvalidRetentionPolicyError)) throw error;
    return { job_id: input.job_id, kept: 0, forgotten: 0, skipped: 0, locks_extended: 0, error: { code: error.code, message: error.message } };
  }
}

/** Copies forgotten in all of a job's copy vaults. */
function copiesForgotten(copies: ReadonlyArray<{ forgotten: readonly string[] }>): number {
  return copies.reduce((n, c) => n + c.forgotten.length, 0);
}
