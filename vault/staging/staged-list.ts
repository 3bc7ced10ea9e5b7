/**
 * Fan-out lists in a staging area (docs/FORMAT.md §10): what a Map state
 * iterates over (a backup's partition specs, a restore's partition names, a
 * verify run's pack batches) can grow with key lengths and partition
 * contents, past Step Functions' 256 KiB state limit. So the step that plans
 * a fan-out stages the list as sealed chunks, `lists/<name>/<chunk>` of
 * `per_object` items each, and the state carries only a {@link StagedList}
 * reference and the item indexes `0 … count-1`; each iteration reads its own
 * item by index.
 */
import type { Vault } from '../repository/vault.js';
import { StagingError } from './errors.js';
import { readStaged, writeStaged } from './staging.js';
import { mapLimit } from '../util/concurrency.js';

/** A staged list, as the workflow state carries it (small: no item travels in state). */
export interface StagedList {
  /** The staging area (`staging/<area>/`): a backup id, a restore id or a verify run id. */
  area: string;
  /** The list's name in the area (`partitions`, `batches`, …). */
  name: string;
  /** How many items. */
  count: number;
  /** Items per staged object (the last object may hold fewer). */
  per_object: number;
}

/** Items per staged object unless the caller says otherwise. */
export const DEFAULT_ITEMS_PER_OBJECT = 100;
/** Staged objects written at once. */
const WRITE_CONCURRENCY = 16;
/** Chunks a container keeps after reading them (iterations of one fan-out often land on one container). */
const CACHED_CHUNKS = 32;

const NAME = /^[a-z0-9-]{1,64}$/;

/** The staged name of chunk `n` of list `name`. */
export function listChunkName(name: string, chunk: number): string {
  return `lists/${name}/${String(chunk).padStart(5, '0')}`;
}

/**
 * Stages a list as sealed chunks and returns its reference.
 *
 * @param vault - the vault
 * @param area - the staging area (backup id, restore id, verify run id)
 * @param name - the list's name (lower-case letters, digits, `-`)
 * @param items - the items, each JSON
 * @param perObject - items per staged object
 * @returns the reference the workflow state carries
 * @throws StagingError for a bad name or chunk size
 */
export async function stageList<T>(vault: Vault, area: string, name: string, items: readonly T[], perObject: number = DEFAULT_ITEMS_PER_OBJECT): Promise<StagedList> {
  if (!NAME.test(name)) throw new StagingError(`staged list name ${JSON.stringify(name)} must be 1-64 of a-z 0-9 -`);
  if (!Number.isSafeInteger(perObject) || perObject < 1) throw new StagingError(`items per staged object must be a whole number >= 1, got ${perObject}`);
  const chunks = Array.from({ length: Math.ceil(items.length / perObject) }, (_, n) => n);
  await mapLimit(chunks, WRITE_CONCURRENCY, (n) => writeStaged(vault, area, listChunkName(name, n), items.slice(n * perObject, (n + 1) * perObject)));
  return { area, name, count: items.length, per_object: perObject };
}

/**
 * The item indexes a Map state iterates: `0 … count-1`.
 *
 * @param list - the staged list
 * @returns the indexes
 */
export function itemIndexes(list: StagedList): number[] {
  return Array.from({ length: list.count }, (_, i) => i);
}

/**
 * Reads one item of a staged list.
 *
 * @param vault - the vault
 * @param list - the reference from the state
 * @param index - the item's index (the Map iteration's item)
 * @returns the item
 * @throws StagingError for an index outside the list, or a chunk that is gone or too short
 */
export async function readListItem<T>(vault: Vault, list: StagedList, index: number): Promise<T> {
  if (!Number.isSafeInteger(index) || index < 0 || index >= list.count) {
    throw new StagingError(`item ${JSON.stringify(index)} is outside staged list ${list.name} of ${list.area} (${list.count} items)`);
  }
  const chunk = Math.floor(index / list.per_object);
  const items = await readChunk<T>(vault, list, chunk);
  const offset = index - chunk * list.per_object;
  if (offset >= items.length) throw new StagingError(`staged list ${list.name} of ${list.area}: chunk ${chunk} holds ${items.length} items, not item ${index}`);
  return items[offset] as T;
}

const cache = new WeakMap<Vault, Map<string, Promise<unknown[]>>>();

/** A chunk, read once per container (a list never changes once its fan-out started). */
function readChunk<T>(vault: Vault, list: StagedList, chunk: number): Promise<T[]> {
  let chunks = cache.get(vault);
  if (!chunks) cache.set(vault, (chunks = new Map()));
  const key = `${list.area}/${list.name}/${list.count}/${list.per_object}/${chunk}`;
  let read = chunks.get(key);
  if (!read) {
    if (chunks.size >= CACHED_CHUNKS) chunks.delete(chunks.keys().next().value!);
    read = readStaged<unknown[]>(vault, list.area, listChunkName(list.name, chunk)).then((items) => {
      if (!Array.isArray(items)) throw new StagingError(`staged list ${list.name} of ${list.area}: chunk ${chunk} is missing (was the staging area cleared?)`);
      return items;
    });
    chunks.set(key, read);
    read.catch(() => chunks.delete(key));
  }
  return read as Promise<T[]>;
}
