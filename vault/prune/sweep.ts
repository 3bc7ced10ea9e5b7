/**
 * The sweep of a sharded prune: each item deletes one batch of objects the
 * re-check left, packs and unused blob lists (S3 DeleteObjects, up to 1,000
 * keys a call, where the store has it); the last step sweeps stale staging
 * areas and the prune's own.
 */
import { packKey } from '../pack/pack-builder.js';
import type { Vault } from '../repository/vault.js';
import { listChunkName } from '../staging/staged-list.js';
import { clearStaged, readRequiredStaged } from '../staging/staging.js';
import { mapLimit } from '../util/concurrency.js';
import { PruneStaged } from './layout.js';
import type { MarkPlan } from './mark.js';

/** Deletes the objects of sweep batch `batch`; returns how many. */
export async function sweepBatch(vault: Vault, area: string, batch: number): Promise<number> {
  const ids = await readRequiredStaged<string[]>(vault, area, listChunkName(PruneStaged.deleteList, batch));
  // Object keys; a bare id is a pack's (as a run staged before blob lists existed named them).
  const keys = ids.map((id) => (id.includes('/') ? id : packKey(id)));
  if (vault.store.deleteMany) await vault.store.deleteMany(keys);
  else await mapLimit(keys, 16, (key) => vault.store.delete(key));
  return ids.length;
}

/** Sweeps the staging areas Plan found stale (not in a dry run), then the prune's own area. */
export async function finishSweep(vault: Vault, area: string, plan: MarkPlan | undefined, dryRun: boolean): Promise<void> {
  if (!dryRun) for (const stale of plan?.stale ?? []) await clearStaged(vault, stale);
  await clearStaged(vault, area);
}
