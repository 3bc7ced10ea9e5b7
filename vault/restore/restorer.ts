/**
 * Restores a partition as a stream of verified plaintext. Consecutive blobs
 * stored side by side in one pack are fetched with one ranged read (at most
 * 2 MiB of plaintext by default); several reads are in flight at once, each
 * decoded on a blob worker thread when one runs; bytes are emitted strictly
 * in order and only after their blob authenticated (AES-GCM over the chunk
 * id) and decompressed to its recorded length, so a damaged or altered
 * vault yields a `CorruptedBackupError`, never a byte the vault's writer did
 * not seal under that id. The end-to-end check, which also catches a
 * writer's own mistakes (a wrong chunk sealed under an id, blobs listed in
 * the wrong order), is the partition's size and digest (XXH3-128, or SHA-256
 * in snapshots of format 1 and 2: `snapshot/partition-digest.ts`), computed here on
 * the calling thread, in order, and compared at the end: consumers must not
 * treat a partition as restored before the stream ends without an error
 * (FORMAT.md §12).
 */
import { CorruptedBackupError } from '../format/errors.js';
import type { MasterIndex } from '../index/master-index.js';
import type { BlobLocation } from '../index/types.js';
import { warmBlobPool } from '../pack/blob-workers.js';
import { packKey } from '../pack/pack-builder.js';
import type { PartitionRecord, Snapshot } from '../snapshot/snapshot.js';
import { describeDigest, recordedDigest, startPartitionDigest } from '../snapshot/partition-digest.js';
import { BlobLists } from '../repository/partition-blobs.js';
import { ObjectNotFoundError } from '../storage/errors.js';
import { SnapshotNotFoundError } from '../repository/errors.js';
import type { Vault } from '../repository/vault.js';
import { decodeBlobs, readBlobAnywhere, type BlobChecks, type DecodedBlob } from './blob-reader.js';

/** Ranged reads in flight at once per restored partition, unless `RestoreOptions.concurrency` says otherwise. */
export const DEFAULT_RESTORE_CONCURRENCY = 4;

/** How a restore reads. */
export interface RestoreOptions {
  /** Ranged reads in flight at once (default {@link DEFAULT_RESTORE_CONCURRENCY}). */
  concurrency?: number;
  /** Largest single ranged read (default 8 MiB). */
  maxReadBytes?: number;
  /**
   * Most plaintext one ranged read may restore (default 2 MiB), so memory
   * stays bounded by `concurrency` times this however well the data compressed.
   */
  maxReadPlaintextBytes?: number;
  /** Called with plaintext bytes emitted so far. */
  onProgress?: (bytesRestored: number) => void;
  /**
   * Also recompute every chunk id (HMAC-SHA256) before its bytes are
   * emitted (default false): a writer's wrong chunk under an id is then
   * caught at that chunk rather than by the partition's digest at the end,
   * for one more hash of every byte (FORMAT.md §12).
   */
  verifyChunkIds?: boolean;
}

interface ReadGroup {
  pack: BlobLocation['pack'];
  start: number;
  end: number;
  /** Plaintext bytes of its blobs. */
  plaintext: number;
  locations: BlobLocation[];
}

/**
 * Picks where to read each blob: the snapshot's own packs first, so a full
 * backup never depends on older packs. Verification uses the same choice to
 * decide which packs a snapshot references.
 */
export function chooseLocation(index: MasterIndex, blobId: string, ownIndexes: ReadonlySet<string>): BlobLocation {
  const locations = index.locate(blobId);
  const own = locations.find((l) => ownIndexes.has(index.indexOf(l.pack.id) ?? ''));
  const chosen = own ?? locations[0];
  if (!chosen) throw new CorruptedBackupError(`blob ${blobId} is in no index: its pack was lost or the index is damaged`, { blob: blobId });
  return chosen;
}

function* readGroups(index: MasterIndex, snapshot: Snapshot, blobIds: Iterable<string>, maxBytes: number, maxPlaintext: number): Generator<ReadGroup> {
  const own = new Set(snapshot.index_ids);
  let group: ReadGroup | undefined;
  for (const blobId of blobIds) {
    const location = chooseLocation(index, blobId, own);
    const { pack, blob } = location;
    if (
      group &&
      group.pack.id === pack.id &&
      group.end === blob.offset &&
      blob.offset + blob.length - group.start <= maxBytes &&
      group.plaintext + blob.rawLength <= maxPlaintext
    ) {
      group.end = blob.offset + blob.length;
      group.plaintext += blob.rawLength;
      group.locations.push(location);
      continue;
    }
    if (group) yield group;
    group = { pack, start: blob.offset, end: blob.offset + blob.length, plaintext: blob.rawLength, locations: [location] };
  }
  if (group) yield group;
}

async function readGroup(vault: Vault, index: MasterIndex, group: ReadGroup, checks: BlobChecks): Promise<Uint8Array[]> {
  let decoded: DecodedBlob[] = [];
  let bytes: Uint8Array | undefined;
  try {
    bytes = await vault.store.get(packKey(group.pack.id), { start: group.start, end: group.end });
  } catch (error) {
    if (!(error instanceof ObjectNotFoundError)) throw error;
    const missing = new CorruptedBackupError(`pack ${group.pack.id} is missing`, { pack: group.pack.id }, { cause: error });
    decoded = group.locations.map(() => missing);
  }
  if (bytes) decoded = await decodeBlobs(vault, group.locations, bytes, group.start, checks);
  // A damaged blob is read again from its other locations, if any.
  const chunks = await Promise.all(
    decoded.map((result, i) => {
      if (!(result instanceof CorruptedBackupError)) return result;
      const location = group.locations[i]!;
      return readBlobAnywhere(vault, index, location.blob.id, { skip: location, firstError: result, checks });
    }),
  );
  return chunks;
}

/** The partition of a snapshot by name. */
export function findPartition(snapshot: Snapshot, name: string): PartitionRecord {
  const partition = snapshot.partitions.find((p) => p.name === name);
  if (!partition) {
    const names = snapshot.partitions.map((p) => p.name).join(', ');
    throw new SnapshotNotFoundError(`snapshot has no partition '${name}' (it has: ${names || 'none'})`);
  }
  return partition;
}

/** One blob-list reader per snapshot object: the partitions of a batch share a list object, read once. */
const readers = new WeakMap<Snapshot, BlobLists>();

function listsOf(vault: Vault, snapshot: Snapshot): BlobLists {
  let lists = readers.get(snapshot);
  if (!lists) readers.set(snapshot, (lists = new BlobLists(vault)));
  return lists;
}

/**
 * Streams a partition's plaintext, authenticated blob by blob and, at the
 * end, checked against the partition's size and digest: the stream fails
 * with `CorruptedBackupError` instead of ending when they differ, or when
 * the partition's blob list is missing or damaged. Restoring several
 * partitions of one snapshot object reads each blob list once (the last
 * few are kept).
 */
export async function* restorePartition(
  vault: Vault,
  index: MasterIndex,
  snapshot: Snapshot,
  partitionName: string,
  options: RestoreOptions = {},
): AsyncGenerator<Uint8Array> {
  const partition = findPartition(snapshot, partitionName);
  const blobIds = await listsOf(vault, snapshot).of(snapshot, partition);
  warmBlobPool();
  const concurrency = options.concurrency ?? DEFAULT_RESTORE_CONCURRENCY;
  const checks: BlobChecks = { chunkIds: options.verifyChunkIds ?? false };
  const groups = readGroups(index, snapshot, blobIds, options.maxReadBytes ?? 8 * 1024 * 1024, options.maxReadPlaintextBytes ?? 2 * 1024 * 1024);
  const window: Array<Promise<Uint8Array[]>> = [];
  const fill = () => {
    while (window.length < concurrency) {
      const next = groups.next();
      if (next.done) return;
      const pending = readGroup(vault, index, next.value, checks);
      pending.catch(() => {}); // surfaced when awaited in order below
      window.push(pending);
    }
  };
  const expected = recordedDigest(partition, partitionName);
  const digest = await startPartitionDigest(expected.algorithm);
  let size = 0;
  fill();
  while (window.length > 0) {
    const chunks = await window.shift()!;
    fill();
    for (const chunk of chunks) {
      digest.update(chunk);
      size += chunk.length;
      yield chunk;
    }
    options.onProgress?.(size);
  }
  const restored = digest.hex();
  if (size !== partition.size || restored !== expected.hex) {
    throw new CorruptedBackupError(
      `partition ${partitionName} restored ${size} bytes with ${describeDigest(expected.algorithm, restored)}; the snapshot says ${partition.size} bytes, ${expected.hex}`,
    );
  }
}

/** A snapshot ready to restore: its id, contents and the merged index. */
export interface OpenedSnapshot {
  id: string;
  snapshot: Snapshot;
  index: MasterIndex;
}

/** Resolves a snapshot reference (id, unique prefix or `latest`) and loads what restoring it needs. */
export async function openSnapshot(vault: Vault, ref: string): Promise<OpenedSnapshot> {
  const id = await vault.resolveSnapshotId(ref);
  const [snapshot, index] = await Promise.all([vault.readSnapshot(id), vault.loadIndex()]);
  return { id, snapshot, index };
}
