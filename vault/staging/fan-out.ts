/**
 * A Distributed Map's fan-out, staged in one call: the items themselves as a
 * sealed staged list (each child reads its items by index,
 * `readListItem`) and the plaintext item list of their indexes
 * `0 … count-1` that the Map's `ItemReader` reads (docs/FORMAT.md §10).
 * Every workflow's planning step stages its fan-out this way.
 */
import type { Vault } from '../repository/vault.js';
import { stageItemList, type StagedItemList } from './item-list.js';
import { itemIndexes, stageList, type StagedList } from './staged-list.js';

/** A staged fan-out: the list's reference and the item list's location, both small. */
export interface StagedFanOut {
  /** The items (sealed chunks), for the children. */
  list: StagedList;
  /** The item list of their indexes, for the Map's `ItemReader`. */
  items: StagedItemList;
}

/**
 * Stages a fan-out's items and the item list of their indexes under one name.
 *
 * @param vault - the vault (on S3: the Map's item reader reads the item list from the vault bucket)
 * @param area - the staging area (backup id, restore id, verify run id)
 * @param name - the list's name (lower-case letters, digits, `-`)
 * @param items - the items, each JSON
 * @param perObject - items per staged chunk (see {@link stageList})
 * @returns the list's reference and the item list's location
 * @throws StagingError for a bad name or chunk size, or a vault that is not on S3
 */
export async function stageFanOut<T>(vault: Vault, area: string, name: string, items: readonly T[], perObject?: number): Promise<StagedFanOut> {
  const list = await stageList(vault, area, name, items, perObject);
  return { list, items: await stageItemList(vault, area, name, itemIndexes(list)) };
}
