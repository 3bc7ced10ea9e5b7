/**
 * Lambda entry points of the prune workflow, one export per step: the step
 * table in infra/constructs/prune-functions.ts names each step as its export,
 * and CDK points the step's function at it.
 */
import { applyJobRetention } from '../../control/workflows/prune/apply-retention.js';
import { listPruneJobs } from '../../control/workflows/prune/list-jobs.js';
import { markPruneFailed } from '../../control/workflows/prune/mark-failed.js';
import { pruneStep } from '../../control/workflows/prune/prune.js';
import { stepHandler } from '../shared/step-handler.js';

/** List jobs. */
export const listJobs = stepHandler('prune-list-jobs', listPruneJobs);
/** Apply retention (Map iteration, one job). */
export const applyRetention = stepHandler('prune-apply-retention', applyJobRetention);
/** Prune. */
export const prune = stepHandler('prune', pruneStep);
/** Mark failed. */
export const markFailed = stepHandler('prune-mark-failed', markPruneFailed);
