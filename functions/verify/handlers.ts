/** Lambda entry points of the verify workflow, one per state (CDK points each function at one export). */
import { VERIFY_FUNCTIONS } from '../registry.js';
import { stepHandler } from '../shared/step-handler.js';
import type { WorkflowDeps } from '../../engine/workflows/deps.js';

const wrap = (name: keyof typeof VERIFY_FUNCTIONS) => stepHandler(name, VERIFY_FUNCTIONS[name] as (deps: WorkflowDeps, event: unknown) => Promise<unknown>);

/** Plan. */
export const plan = wrap('haven-verify-plan');
/** Check packs (Map iteration). */
export const checkPacks = wrap('haven-verify-check-packs');
/** Prepare scratch (test restore). */
export const prepareScratch = wrap('haven-verify-prepare-scratch');
/** Restore partition into scratch (Map iteration; the restore workflow's step). */
export const restorePartition = wrap('haven-verify-restore-partition');
/** Compare the scratch target with the backup. */
export const compare = wrap('haven-verify-compare');
/** Clean up scratch. */
export const cleanupScratch = wrap('haven-verify-cleanup-scratch');
/** Finalize. */
export const finalize = wrap('haven-verify-finalize');
/** Mark failed. */
export const markFailed = wrap('haven-verify-mark-failed');
