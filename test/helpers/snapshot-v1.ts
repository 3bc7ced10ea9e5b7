/** Fixtures for format version 1 snapshots (blob ids inline), as engines before blob lists wrote them. */
import type { Vault } from '../../vault/repository/vault.js';
import { BlobLists } from '../../vault/repository/partition-blobs.js';
import type { Snapshot } from '../../vault/snapshot/snapshot.js';

/**
 * Writes a version 1 copy of a stored snapshot: the same partitions with
 * their blob ids inline and no blob-list reference.
 * @returns the new snapshot's id
 */
export async function writeV1Snapshot(vault: Vault, snapshotId: string): Promise<string> {
  const snapshot = await vault.readSnapshot(snapshotId);
  const lists = new BlobLists(vault);
  const partitions = await Promise.all(
    snapshot.partitions.map(async (partition) => {
      const { blob_list: _ref, ...rest } = partition;
      return { ...rest, blobs: [...(await lists.of(snapshot, partition))] };
    }),
  );
  const v1: Snapshot = { ...snapshot, format_version: 1, partitions };
  return vault.writeSnapshot(v1);
}
