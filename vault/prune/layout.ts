/**
 * Where a sharded prune keeps its work (docs/RETENTION.md, "Prune at
 * scale"): its own staging area `staging/prune_<run>/` (FORMAT.md §10),
 * sealed objects named here, and how blob and pack ids fall into shards (by
 * their leading hex digits). One owner for every name and limit the phases
 * share.
 */

import { DELETE_OBJECTS_MAX } from '../storage/s3-store.js';

/** Limits of a sharded prune. */
export const PRUNE_LAYOUT = {
  /** Blobs one shard should hold at most (a join's working set): the shard count grows by 16 until it does. */
  blobsPerShard: 250_000,
  /** Leading hex digits of a shard: at least 1 (16 shards), at most 3 (4,096). */
  minShardDigits: 1,
  maxShardDigits: 3,
  /** Encoded bytes of one blob entry in an index object (FORMAT.md §8): estimates a vault's blobs from its index bytes. */
  indexBytesPerBlob: 49,
  /** Mark items to aim for (each a batch of snapshots), and the most snapshots one holds. */
  markItems: 32,
  maxSnapshotsPerItem: 100,
  /** Blobs per rewritten index object. */
  blobsPerIndex: 200_000,
  /** Pack ids per sweep batch: one S3 DeleteObjects call. */
  packsPerDeleteBatch: DELETE_OBJECTS_MAX,
} as const;

/**
 * Staging areas of prune runs start with this: the workflow's area is the
 * run's catalog id, `prune_<execution>` (test/vault/prune-phases.test.ts
 * holds the two together); `pruneVault` makes its own.
 */
export const PRUNE_AREA_PREFIX = 'prune_';

/** Names of a prune's staged objects, relative to its area. */
export const PruneStaged = {
  plan: 'plan',
  settle: 'settle',
  compact: 'compact',
  recheck: 'recheck',
  deleteList: 'delete',
  /** The blob-list objects the snapshots of Mark item `item` reference. */
  usedLists: (item: number) => `used-lists/${String(item).padStart(5, '0')}`,
  used: (shard: number, item: number) => `used/${shardName(shard)}/${String(item).padStart(5, '0')}`,
  usedPrefix: (shard: number) => `used/${shardName(shard)}/`,
  counts: (shard: number) => `counts/${shardName(shard)}`,
  doomed: (n: number) => `doomed/${String(n).padStart(5, '0')}`,
  doomedPrefix: 'doomed/',
} as const;

function shardName(shard: number): string {
  return String(shard).padStart(4, '0');
}

/** Whether a staging area is a prune run's. */
export function isPruneArea(area: string): boolean {
  return area.startsWith(PRUNE_AREA_PREFIX);
}

/**
 * Leading hex digits per shard for a vault whose index objects hold `indexBytes`.
 * @returns 1, 2 or 3 (16, 256 or 4,096 shards)
 */
export function shardDigitsFor(indexBytes: number): number {
  const blobs = indexBytes / PRUNE_LAYOUT.indexBytesPerBlob;
  let digits: number = PRUNE_LAYOUT.minShardDigits;
  while (digits < PRUNE_LAYOUT.maxShardDigits && blobs / 16 ** digits > PRUNE_LAYOUT.blobsPerShard) digits += 1;
  return digits;
}

/** The shard of a hex id (blob or pack) under `digits` leading hex digits. */
export function shardOf(id: string, digits: number): number {
  return Number.parseInt(id.slice(0, digits), 16);
}
