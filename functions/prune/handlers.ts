/**
 * Lambda entry points of the prune workflow, one export per step: the step
 * table in infra/constructs/prune-functions.ts names each step as its export,
 * and CDK points the step's function at it.
 */
import { applyJobRetention } from '../../control/workflows/prune/apply-retention.js';
import { listPruneJobs } from '../../control/workflows/prune/list-jobs.js';
import { markPruneFailed } from '../../control/workflows/prune/mark-failed.js';
import { compactStep, joinStep, markStep, planPruneStep, recheckStep, settleStep, sweepStep } from '../../control/workflows/prune/phases.js';
import { pruneStep } from '../../control/workflows/prune/prune.js';
import { stepHandler } from '../shared/step-handler.js';

/** List jobs. */
export const listJobs = stepHandler('prune-list-jobs', listPruneJobs);
/** Apply retention (Map iteration, one job). */
export const applyRetention = stepHandler('prune-apply-retention', applyJobRetention);
/** Plan prune. */
export const planPrune = stepHandler('prune-plan', planPruneStep);
/** Mark (Distributed Map child: batches of snapshots). */
export const mark = stepHandler('prune-mark', markStep);
/** Join (Distributed Map child: blob shards). */
export const join = stepHandler('prune-join', joinStep);
/** Settle packs. */
export const settle = stepHandler('prune-settle', settleStep);
/** Compact index. */
export const compact = stepHandler('prune-compact', compactStep);
/** Re-check. */
export const recheck = stepHandler('prune-recheck', recheckStep);
/** Sweep (Distributed Map child: batches of packs). */
export const sweep = stepHandler('prune-sweep', sweepStep);
/** Prune (sum up, sweep staging, complete the run). */
export const prune = stepHandler('prune', pruneStep);
/** Mark failed. */
export const markFailed = stepHandler('prune-mark-failed', markPruneFailed);
