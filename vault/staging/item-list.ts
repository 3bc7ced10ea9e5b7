/**
 * Item lists (docs/FORMAT.md §10): what a Distributed Map state reads with
 * its S3 item reader (`arn:aws:states:::s3:getObject`, `InputType: JSON`).
 * Step Functions reads the object itself, so it cannot be sealed: it is a
 * plaintext JSON array, `staging/<area>/lists/<name>.json`, of small
 * references only (partition or batch indexes), never names, keys, specs or
 * source data. The step that plans a fan-out stages it here and hands the
 * workflow its {@link StagedItemList} location; it is cleared with the area.
 */
import { parseStoreUri } from '../storage/open-store.js';
import type { Vault } from '../repository/vault.js';
import { StagingError } from './errors.js';
import { stagingPrefix } from './staging.js';

/** Where a staged item list is, as the Map's `ItemReader` parameters take it. */
export interface StagedItemList {
  /** The vault bucket. */
  bucket: string;
  /** The object's full key in the bucket (with the vault's prefix). */
  key: string;
  /** How many items it holds. */
  count: number;
}

/** What an item may be: a small reference, never data. */
export type ItemReference = number | Readonly<Record<string, number>>;

const NAME = /^[a-z0-9-]{1,64}$/;

/**
 * The staged name of item list `name` (relative to its area).
 *
 * @param name - the list's name
 * @returns `lists/<name>.json`
 */
export function itemListName(name: string): string {
  return `lists/${name}.json`;
}

/**
 * Whether a staged name is an item list's (plaintext, never sealed: readers of
 * a staging area skip it).
 *
 * @param name - a name relative to a staging area
 * @returns true for `lists/<name>.json`
 */
export function isItemListName(name: string): boolean {
  return name.startsWith('lists/') && name.endsWith('.json');
}

/**
 * Stages a Distributed Map's item list as a plaintext JSON array object.
 *
 * @param vault - the vault (on S3: the Map's item reader reads the object from the vault bucket)
 * @param area - the staging area (backup id, restore id, verify run id, prune run id)
 * @param name - the list's name (lower-case letters, digits, `-`)
 * @param items - the items: indexes or small objects of numbers
 * @returns the object's bucket, key and item count, for the workflow state
 * @throws StagingError for a bad name or a vault that is not on S3
 */
export async function stageItemList(vault: Vault, area: string, name: string, items: readonly ItemReference[]): Promise<StagedItemList> {
  if (!NAME.test(name)) throw new StagingError(`item list name ${JSON.stringify(name)} must be 1-64 of a-z 0-9 -`);
  const location = parseStoreUri(vault.store.uri);
  if (location.kind !== 's3') throw new StagingError(`item list ${name}: a Distributed Map reads its items from S3, but the vault is at ${vault.store.uri}`);
  const relative = `${stagingPrefix(area)}${itemListName(name)}`;
  await vault.store.put(relative, Buffer.from(JSON.stringify(items)));
  return { bucket: location.bucket, key: location.prefix === '' ? relative : `${location.prefix}/${relative}`, count: items.length };
}

