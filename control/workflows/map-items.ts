/**
 * Where a run stages its Distributed Maps' item lists: the one owner of the
 * rule every workflow (backup, restore, verify, prune) follows.
 *
 * The items themselves (a sealed staged list the children read by index)
 * stay in the vault the run works on. The plaintext item list of their
 * indexes, which the Map's S3 `ItemReader` reads, goes to the primary vault
 * when the run's vault is elsewhere: an item reader reads only buckets in
 * the state machine's own region and account, and a copy vault may be in
 * another (docs/COPIES.md). There it is named after the run's vault, so
 * passes of one run over several vaults (prune) share a staging area
 * without clashing; prune sweeps that area once the run has ended. With the
 * primary unreachable (the reason a run may be served by a copy), the item
 * list goes with the items.
 */
import { createHash } from 'node:crypto';
import type { StagedFanOut } from '../../vault/staging/fan-out.js';
import { stageItemList, type ItemReference, type StagedItemList } from '../../vault/staging/item-list.js';
import { itemIndexes, stageList } from '../../vault/staging/staged-list.js';
import type { Vault } from '../../vault/repository/vault.js';
import type { VaultLocation } from '../vaults/registry.js';
import type { WorkflowDeps } from './deps.js';
import { cannotServe } from './vault-opener.js';

/** The vault a run works on, opened, and where it is. */
export interface RunVault {
  vault: Vault;
  location: VaultLocation;
}

/**
 * Stages a Map's item list where the Map can read it (see the module's rule).
 *
 * @param deps - the vaults and their opener
 * @param run - the vault the run works on
 * @param area - the staging area (backup id, restore id, verify or prune run id)
 * @param name - the list's name
 * @param items - the item references (indexes into a staged list, or small records of numbers)
 * @returns the item list's location
 * @throws StagingError for a bad name; a storage error of the run's own vault
 */
export async function stageMapItems(deps: Pick<WorkflowDeps, 'vaults' | 'vault'>, run: RunVault, area: string, name: string, items: readonly ItemReference[]): Promise<StagedItemList> {
  if (run.location.bucket.primary) return stageItemList(run.vault, area, name, items);
  try {
    const primary = await deps.vault(deps.vaults.primary());
    return await stageItemList(primary, area, `${name}-${createHash('sha256').update(run.location.uri).digest('hex').slice(0, 16)}`, items);
  } catch (error) {
    if (!cannotServe(error)) throw error;
    return stageItemList(run.vault, area, name, items);
  }
}

/**
 * Stages a run's fan-out: the items, sealed, in the run's vault, and their
 * Map item list where {@link stageMapItems} puts it.
 *
 * @param deps - the vaults and their opener
 * @param run - the vault the run works on (for restore and verify: the one serving it)
 * @param area - the staging area
 * @param name - the list's name
 * @param items - the items, each JSON
 * @param perObject - items per staged chunk
 * @returns the list's reference and the item list's location
 */
export async function stageRunFanOut<T>(deps: Pick<WorkflowDeps, 'vaults' | 'vault'>, run: RunVault, area: string, name: string, items: readonly T[], perObject?: number): Promise<StagedFanOut> {
  const list = await stageList(run.vault, area, name, items, perObject);
  return { list, items: await stageMapItems(deps, run, area, name, itemIndexes(list)) };
}
