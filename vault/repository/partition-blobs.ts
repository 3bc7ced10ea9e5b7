/**
 * The one way to read a partition's ordered blob ids, whatever the
 * snapshot's version: inline (version 1) or from its blob-list object
 * (version 2, FORMAT.md §9.2). A reader keeps the last few list objects it
 * read, so the partitions of one export batch (which share a list object)
 * cost one read, and never needs every list of a snapshot at once.
 */
import { CorruptedBackupError } from '../format/errors.js';
import { blobListKey } from '../format/layout.js';
import type { Vault } from './vault.js';
import { ObjectNotFoundError } from '../storage/errors.js';
import { BlobIds } from '../snapshot/blob-list.js';
import type { PartitionRecord, Snapshot } from '../snapshot/snapshot.js';

/** List objects a reader keeps decoded (a batch's partitions are adjacent in a snapshot). */
const CACHED_LISTS = 4;

/** Reads partitions' blob ids through a small cache of blob-list objects. */
export class BlobLists {
  private readonly cache = new Map<string, Promise<BlobIds[]>>();

  /**
   * @param vault - the vault the lists are read from
   * @param cached - list objects kept decoded (a reader that comes back to every list of a snapshot, as a copy does, keeps them all)
   */
  constructor(
    private readonly vault: Vault,
    private readonly cached = CACHED_LISTS,
  ) {}

  /**
   * The ordered blob ids of one partition of a snapshot.
   * @throws CorruptedBackupError naming the backup, the partition and the list object when the list is missing, altered or does not hold the partition's ids
   */
  async of(snapshot: Snapshot, partition: PartitionRecord): Promise<BlobIds> {
    if (partition.blobs) return BlobIds.ofHex(partition.blobs);
    const ref = partition.blob_list!;
    const object = blobListKey(ref.id);
    const where = `partition ${partition.name} of backup ${snapshot.backup_id}`;
    let parts: BlobIds[];
    try {
      parts = await this.read(ref.id);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw new CorruptedBackupError(`${where}: its blob list ${object} is missing`, { object }, { cause: error });
      if (error instanceof CorruptedBackupError) throw new CorruptedBackupError(`${where}: ${error.message}`, { object }, { cause: error });
      throw error;
    }
    const ids = parts[ref.part];
    if (!ids || ids.count !== ref.count) {
      throw new CorruptedBackupError(`${where}: ${object} holds no part ${ref.part} of ${ref.count} blobs`, { object });
    }
    return ids;
  }

  /** Every blob id of a snapshot (repeats included), one partition's list at a time. */
  async *blobsOf(snapshot: Snapshot): AsyncGenerator<string> {
    for (const partition of snapshot.partitions) yield* await this.of(snapshot, partition);
  }

  /** One list object's parts, read once while it stays in the cache. */
  read(id: string): Promise<BlobIds[]> {
    let pending = this.cache.get(id);
    if (pending) {
      this.cache.delete(id);
    } else {
      pending = this.vault.readBlobList(id);
      pending.catch(() => this.cache.delete(id));
    }
    this.cache.set(id, pending);
    while (this.cache.size > this.cached) this.cache.delete(this.cache.keys().next().value!);
    return pending;
  }
}

/** The list-object ids a snapshot references (none for version 1). */
export function blobListIds(snapshot: Snapshot): string[] {
  return [...new Set(snapshot.partitions.flatMap((p) => (p.blob_list ? [p.blob_list.id] : [])))];
}

/** The ordered blob ids of one partition (one read of its list object; see {@link BlobLists} to read several). */
export function partitionBlobs(vault: Vault, snapshot: Snapshot, partition: PartitionRecord): Promise<BlobIds> {
  return new BlobLists(vault).of(snapshot, partition);
}
