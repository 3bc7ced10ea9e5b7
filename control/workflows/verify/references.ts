/**
 * Which packs a snapshot references: for each of its blobs, the pack a
 * restore would read it from (the snapshot's own index objects first, see
 * `chooseLocation`), so a `full` backup references only the packs it wrote.
 */
import { CorruptedBackupError } from '../../../vault/format/errors.js';
import type { MasterIndex } from '../../../vault/index/master-index.js';
import { chooseLocation } from '../../../vault/restore/restorer.js';
import type { Vault } from '../../../vault/repository/vault.js';
import { BlobLists } from '../../../vault/repository/partition-blobs.js';
import type { Snapshot } from '../../../vault/snapshot/snapshot.js';
import type { PlannedPack } from './types.js';

/** The packs a snapshot references, and its blobs no index lists. */
export interface SnapshotReferences {
  packs: Map<string, PlannedPack>;
  unindexed: string[];
}

/**
 * @param vault - the vault (its blob lists are read one at a time)
 * @param index - every index object of the vault, merged
 * @param snapshot - the snapshot
 * @returns its packs (by id) and unindexed blobs
 * @throws CorruptedBackupError when one of its blob lists is missing or damaged
 */
export async function snapshotReferences(vault: Vault, index: MasterIndex, snapshot: Snapshot): Promise<SnapshotReferences> {
  const own = new Set(snapshot.index_ids);
  const packs = new Map<string, PlannedPack>();
  const unindexed: string[] = [];
  const seen = new Set<string>();
  const lists = new BlobLists(vault);
  for (const partition of snapshot.partitions) {
    for (const blob of await lists.of(snapshot, partition)) {
      if (seen.has(blob)) continue;
      seen.add(blob);
      try {
        const { pack } = chooseLocation(index, blob, own);
        if (!packs.has(pack.id)) packs.set(pack.id, { id: pack.id, size: pack.size, index: index.indexOf(pack.id) ?? '' });
      } catch (error) {
        if (!(error instanceof CorruptedBackupError)) throw error;
        unindexed.push(blob);
      }
    }
  }
  return { packs, unindexed };
}
