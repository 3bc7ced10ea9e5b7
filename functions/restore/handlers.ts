/** Lambda entry points of the restore workflow, one per state (CDK points each function at one export). */
import { RESTORE_FUNCTIONS } from '../registry.js';
import { stepHandler } from '../shared/step-handler.js';
import type { WorkflowDeps } from '../../engine/workflows/deps.js';

const wrap = (name: keyof typeof RESTORE_FUNCTIONS) => stepHandler(name, RESTORE_FUNCTIONS[name] as (deps: WorkflowDeps, event: unknown) => Promise<unknown>);

/** Plan. */
export const plan = wrap('haven-restore-plan');
/** Safety backup. */
export const safetyBackup = wrap('haven-restore-safety-backup');
/** Restore partition (Map iteration). */
export const restorePartition = wrap('haven-restore-partition');
/** Validate. */
export const validate = wrap('haven-restore-validate');
/** Finalize. */
export const finalize = wrap('haven-restore-finalize');
/** Mark failed. */
export const markFailed = wrap('haven-restore-mark-failed');
