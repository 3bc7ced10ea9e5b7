/**
 * Lambda entry points of the copy workflow, one export per step: the step
 * table in infra/constructs/copy-functions.ts names each step as its export,
 * and CDK points the step's function at it.
 */
import { copyToVault as copyToVaultStep } from '../../control/workflows/copy/copy-to-vault.js';
import { markCopyFailed } from '../../control/workflows/copy/mark-failed.js';
import { planCopies } from '../../control/workflows/copy/plan.js';
import { stepHandler } from '../shared/step-handler.js';

/** Plan copies. */
export const plan = stepHandler('copy-plan', planCopies);
/** Copy to vault (Map iteration, one copy vault). */
export const copyToVault = stepHandler('copy-to-vault', copyToVaultStep);
/** Mark copy failed (Map iteration). */
export const markFailed = stepHandler('copy-mark-failed', markCopyFailed);
