/** Fixtures for snapshots of formats 1 and 2, as engines before format 3 wrote them: partition digests are SHA-256. */
import { createHash } from 'node:crypto';
import type { Vault } from '../../vault/repository/vault.js';
import { BlobLists } from '../../vault/repository/partition-blobs.js';
import { openSnapshot, restorePartition } from '../../vault/restore/restorer.js';
import type { PartitionRecord, Snapshot } from '../../vault/snapshot/snapshot.js';

/** The snapshot's partitions with their digest recorded as SHA-256 (computed from a verified restore), as formats 1 and 2 did. */
async function sha256Partitions(vault: Vault, snapshotId: string): Promise<{ snapshot: Snapshot; partitions: PartitionRecord[] }> {
  const { snapshot, index } = await openSnapshot(vault, snapshotId);
  const partitions: PartitionRecord[] = [];
  for (const partition of snapshot.partitions) {
    const hash = createHash('sha256');
    for await (const chunk of restorePartition(vault, index, snapshot, partition.name)) hash.update(chunk);
    const { xxh3_128: _digest, ...rest } = partition;
    partitions.push({ ...rest, sha256: hash.digest('hex') });
  }
  return { snapshot, partitions };
}

/**
 * Writes a version 1 copy of a stored snapshot: the same partitions with
 * their blob ids inline, no blob-list reference, and SHA-256 digests.
 * @returns the new snapshot's id
 */
export async function writeV1Snapshot(vault: Vault, snapshotId: string): Promise<string> {
  const { snapshot, partitions } = await sha256Partitions(vault, snapshotId);
  const lists = new BlobLists(vault);
  const inline = await Promise.all(
    partitions.map(async (partition) => {
      const { blob_list: _ref, ...rest } = partition;
      return { ...rest, blobs: [...(await lists.of(snapshot, partition))] };
    }),
  );
  const v1: Snapshot = { ...snapshot, format_version: 1, partitions: inline };
  return vault.writeSnapshot(v1);
}

/**
 * Writes a version 2 copy of a stored snapshot: the same partitions and
 * blob lists, with SHA-256 digests.
 * @returns the new snapshot's id
 */
export async function writeV2Snapshot(vault: Vault, snapshotId: string): Promise<string> {
  const { snapshot, partitions } = await sha256Partitions(vault, snapshotId);
  return vault.writeSnapshot({ ...snapshot, format_version: 2, partitions });
}
