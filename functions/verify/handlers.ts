/**
 * Lambda entry points of the verify workflow, one export per step: the step
 * table in infra/constructs/verify-functions.ts names each step as its export,
 * and CDK points the step's function at it.
 */
import { checkPackBatches } from '../../control/workflows/verify/check-batch.js';
import { cleanupScratchStep } from '../../control/workflows/verify/cleanup-scratch.js';
import { compareScratch } from '../../control/workflows/verify/compare.js';
import { finalizeVerification } from '../../control/workflows/verify/finalize.js';
import { markVerificationFailed } from '../../control/workflows/verify/mark-failed.js';
import { planVerification } from '../../control/workflows/verify/plan.js';
import { prepareScratch as prepareScratchTarget } from '../../control/workflows/verify/prepare-scratch.js';
import { restoreScratchBatch } from '../../control/workflows/verify/restore-scratch.js';
import { stepHandler } from '../shared/step-handler.js';

/** Plan. */
export const plan = stepHandler('verify-plan', planVerification);
/** Check packs (a Distributed Map child: its pack batches). */
export const checkPacks = stepHandler('verify-check-packs', checkPackBatches);
/** Prepare scratch (test restore). */
export const prepareScratch = stepHandler('verify-prepare-scratch', prepareScratchTarget);
/** Restore partitions into scratch (a Distributed Map child: its partitions, each through the restore workflow's partition step, in a function of its own so its grants reach only scratch targets). */
export const restorePartition = stepHandler('verify-restore-partition', restoreScratchBatch);
/** Compare the scratch target with the backup. */
export const compare = stepHandler('verify-compare', compareScratch);
/** Clean up scratch. */
export const cleanupScratch = stepHandler('verify-cleanup-scratch', cleanupScratchStep);
/** Finalize. */
export const finalize = stepHandler('verify-finalize', finalizeVerification);
/** Mark failed (also a Distributed Map child's Record failure, `from_item`). */
export const markFailed = stepHandler('verify-mark-failed', markVerificationFailed);
