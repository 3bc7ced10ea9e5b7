/**
 * Lambda entry points of the verify workflow, one export per step: the step
 * table in infra/constructs/verify-functions.ts names each step as its export,
 * and CDK points the step's function at it.
 */
import { restoreOnePartition } from '../../control/workflows/restore/restore-partition.js';
import { checkPackBatch } from '../../control/workflows/verify/check-batch.js';
import { cleanupScratchStep } from '../../control/workflows/verify/cleanup-scratch.js';
import { compareScratch } from '../../control/workflows/verify/compare.js';
import { finalizeVerification } from '../../control/workflows/verify/finalize.js';
import { markVerificationFailed } from '../../control/workflows/verify/mark-failed.js';
import { planVerification } from '../../control/workflows/verify/plan.js';
import { prepareScratch as prepareScratchTarget } from '../../control/workflows/verify/prepare-scratch.js';
import { stepHandler } from '../shared/step-handler.js';

/** Plan. */
export const plan = stepHandler('verify-plan', planVerification);
/** Check packs (Map iteration). */
export const checkPacks = stepHandler('verify-check-packs', checkPackBatch);
/** Prepare scratch (test restore). */
export const prepareScratch = stepHandler('verify-prepare-scratch', prepareScratchTarget);
/** Restore partition into scratch (Map iteration; the restore workflow's step, in its own function so its grants reach only scratch targets). */
export const restorePartition = stepHandler('verify-restore-partition', restoreOnePartition);
/** Compare the scratch target with the backup. */
export const compare = stepHandler('verify-compare', compareScratch);
/** Clean up scratch. */
export const cleanupScratch = stepHandler('verify-cleanup-scratch', cleanupScratchStep);
/** Finalize. */
export const finalize = stepHandler('verify-finalize', finalizeVerification);
/** Mark failed. */
export const markFailed = stepHandler('verify-mark-failed', markVerificationFailed);
