/** Prune (after every job's retention): delete and repack packs, rewrite index objects, sweep staging. */
import { pruneVault, type PruneResult } from '../../retention/prune.js';
import type { WorkflowDeps } from '../deps.js';
import type { PruneSettings } from './types.js';

/** Runs the Prune step. */
export function pruneStep(deps: WorkflowDeps, input: { settings: PruneSettings }): Promise<PruneResult> {
  const { settings } = input;
  return pruneVault(deps, {
    graceSeconds: settings.grace_seconds,
    repackThreshold: settings.repack_threshold,
    compactAbove: settings.compact_above,
    dryRun: settings.dry_run,
  });
}
