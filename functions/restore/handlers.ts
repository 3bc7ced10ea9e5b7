/**
 * Lambda entry points of the restore workflow, one export per step: the step
 * table in infra/constructs/restore-functions.ts names each step as its export,
 * and CDK points the step's function at it.
 */
import { finalizeRestore } from '../../control/workflows/restore/finalize.js';
import { markRestoreFailed } from '../../control/workflows/restore/mark-failed.js';
import { planRestore } from '../../control/workflows/restore/plan.js';
import { restoreBatch } from '../../control/workflows/restore/restore-partition.js';
import { safetyBackup as runSafetyBackup } from '../../control/workflows/restore/safety-backup.js';
import type { RestoreContext } from '../../control/workflows/restore/types.js';
import { validateStagedRestore } from '../../control/workflows/restore/validate.js';
import { stepHandler } from '../shared/step-handler.js';

/** Plan. */
export const plan = stepHandler('restore-plan', planRestore);
/** Safety backup. */
export const safetyBackup = stepHandler('restore-safety-backup', (deps, event: { context: RestoreContext }) => runSafetyBackup(deps, event.context));
/** Restore partitions (one Distributed Map child: a batch of partitions). */
export const restorePartition = stepHandler('restore-partition', restoreBatch);
/** Validate. */
export const validate = stepHandler('restore-validate', validateStagedRestore);
/** Finalize. */
export const finalize = stepHandler('restore-finalize', finalizeRestore);
/** Mark failed. */
export const markFailed = stepHandler('restore-mark-failed', markRestoreFailed);
