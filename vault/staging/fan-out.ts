/**
 * A Distributed Map's fan-out as a planning step stages it: the items themselves as a
 * sealed staged list (each child reads its items by index,
 * `readListItem`) and the plaintext item list of their indexes
 * `0 … count-1` that the Map's `ItemReader` reads (docs/FORMAT.md §10).
 * Every workflow's planning step stages its fan-out this way
 * (control/workflows/map-items.ts decides where the item list goes).
 */
import type { StagedItemList } from './item-list.js';
import type { StagedList } from './staged-list.js';

/** A staged fan-out: the list's reference and the item list's location, both small. */
export interface StagedFanOut {
  /** The items (sealed chunks), for the children. */
  list: StagedList;
  /** The item list of their indexes, for the Map's `ItemReader`. */
  items: StagedItemList;
}
