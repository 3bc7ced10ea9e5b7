/**
 * Apply retention (one Map iteration per job): forget what the job's policy
 * lets go (a dry run only plans). A job whose policy cannot be evaluated is
 * reported, not failed: one bad policy must not stop every other job's
 * retention and the prune.
 */
import { applyRetention, planRetention } from '../../retention/forget.js';
import { InvalidRetentionPolicyError } from '../../retention/errors.js';
import type { WorkflowDeps } from '../deps.js';
import type { JobRetentionInput, JobRetentionOutput } from './types.js';

/** Runs one Apply retention iteration. */
export async function applyJobRetention(deps: WorkflowDeps, input: JobRetentionInput): Promise<JobRetentionOutput> {
  try {
    if (input.settings.dry_run) {
      const plan = await planRetention(deps, input.job_id);
      return { job_id: input.job_id, kept: plan.keep.length, forgotten: plan.forget.length, skipped: 0, locks_extended: 0 };
    }
    const applied = await applyRetention(deps, input.job_id);
    return { job_id: input.job_id, kept: applied.kept, forgotten: applied.forgotten.length, skipped: applied.skipped.length, locks_extended: applied.locks_extended };
  } catch (error) {
    if (!(error instanceof InvalidRetentionPolicyError)) throw error;
    return { job_id: input.job_id, kept: 0, forgotten: 0, skipped: 0, locks_extended: 0, error: { code: error.code, message: error.message } };
  }
}
