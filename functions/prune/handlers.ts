/** Lambda entry points of the prune workflow, one per state (CDK points each function at one export). */
import { PRUNE_FUNCTIONS } from '../registry.js';
import { stepHandler } from '../shared/step-handler.js';
import type { WorkflowDeps } from '../../engine/workflows/deps.js';

const wrap = (name: keyof typeof PRUNE_FUNCTIONS) => stepHandler(name, PRUNE_FUNCTIONS[name] as (deps: WorkflowDeps, event: unknown) => Promise<unknown>);

/** List jobs. */
export const listJobs = wrap('haven-prune-list-jobs');
/** Apply retention (Map iteration, one job). */
export const applyRetention = wrap('haven-prune-apply-retention');
/** Prune. */
export const prune = wrap('haven-prune');
/** Mark failed. */
export const markFailed = wrap('haven-prune-mark-failed');
