/**
 * Checks a vault the way `restic check` does. Structure: every snapshot and
 * index object authenticates and matches its name, every blob a snapshot
 * references is indexed (read through its blob lists, each of which must
 * be there and authenticate), and every indexed pack exists with its size. With
 * `readData`: every selected pack is downloaded, hashed against its name, its
 * sealed header compared with the index, and every blob decrypted and checked
 * against its id. Each problem names the pack or object, the blob where
 * known, and the snapshots that depend on it.
 */
import { sha256Hex } from '../crypto/hash.js';
import { CorruptedBackupError, FormatError } from '../format/errors.js';
import { ObjectType, openObject } from '../format/sealed-object.js';
import { MasterIndex } from '../index/master-index.js';
import type { PackEntry } from '../index/types.js';
import { decodePackHeader, decodeTrailer, TRAILER_LENGTH } from '../pack/pack-format.js';
import { packKey } from '../pack/pack-builder.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { BlobLists } from '../repository/partition-blobs.js';
import { ObjectNotFoundError } from '../storage/errors.js';
import { mapLimit } from '../util/concurrency.js';
import type { Vault } from '../repository/vault.js';
import { decodeBlob } from '../restore/blob-reader.js';

/** Kinds of problems a check reports. */
export const IssueKind = {
  SnapshotDamaged: 'snapshot_damaged',
  /** A blob-list object a snapshot references is missing, altered or does not hold the partition. */
  BlobListDamaged: 'blob_list_damaged',
  IndexDamaged: 'index_damaged',
  BlobNotIndexed: 'blob_not_indexed',
  PackMissing: 'pack_missing',
  PackSize: 'pack_size_mismatch',
  PackHash: 'pack_hash_mismatch',
  PackHeader: 'pack_header_mismatch',
  BlobDamaged: 'blob_damaged',
} as const;
export type IssueKind = (typeof IssueKind)[keyof typeof IssueKind];

/** One problem found. */
export interface CheckIssue {
  kind: IssueKind;
  message: string;
  pack?: string;
  blob?: string;
  object?: string;
  /** Ids of snapshots that can no longer be fully restored because of it. */
  snapshots: string[];
}

/** What to check. */
export interface CheckOptions {
  /** Download and verify pack contents (default false: structure only). */
  readData?: boolean;
  /** Limits which packs have their data read (for sampling); all by default. */
  selectPack?: (pack: PackEntry) => boolean;
  /** Only these snapshots (ids); all by default. */
  snapshotIds?: readonly string[];
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The outcome of a check. */
export interface CheckReport {
  ok: boolean;
  snapshots: number;
  indexes: number;
  packs: number;
  packsRead: number;
  bytesRead: number;
  blobsChecked: number;
  /** Packs on the store that no index lists (left by an interrupted backup; prune removes them). */
  unreferencedPacks: string[];
  issues: CheckIssue[];
  /** Snapshots with at least one problem. */
  damagedSnapshots: string[];
}

/** Which snapshots need each blob (and so each pack). */
export class DependencyMap {
  private readonly byBlob = new Map<string, Set<string>>();

  /** Records that snapshot `snapshotId` needs `blob`. */
  add(blob: string, snapshotId: string): void {
    let set = this.byBlob.get(blob);
    if (!set) this.byBlob.set(blob, (set = new Set()));
    set.add(snapshotId);
  }

  forBlob(blob: string): string[] {
    return [...(this.byBlob.get(blob) ?? [])];
  }

  forPack(pack: PackEntry, index: MasterIndex): string[] {
    const out = new Set<string>();
    for (const blob of pack.blobs) {
      // A blob stored in another intact pack too is not lost with this one.
      const elsewhere = index.locate(blob.id).some((l) => l.pack.id !== pack.id);
      if (!elsewhere) for (const s of this.forBlob(blob.id)) out.add(s);
    }
    return [...out];
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Checks the vault and reports every problem found (it does not stop at the first). */
export async function checkVault(vault: Vault, options: CheckOptions = {}): Promise<CheckReport> {
  const issues: CheckIssue[] = [];
  const concurrency = options.concurrency ?? 4;

  const snapshotIds = options.snapshotIds ?? (await vault.listSnapshotIds());
  const snapshots: Array<{ id: string; snapshot: Snapshot }> = [];
  await mapLimit(snapshotIds, 8, async (id) => {
    try {
      snapshots.push({ id, snapshot: await vault.readSnapshot(id) });
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      issues.push({ kind: IssueKind.SnapshotDamaged, message: describe(error), object: `snapshots/${id}`, snapshots: [id] });
    }
  });

  const index = new MasterIndex();
  const indexIds = await vault.listIndexIds();
  await mapLimit(indexIds, 8, async (id) => {
    try {
      index.addPacks(await vault.readIndex(id), id);
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      issues.push({ kind: IssueKind.IndexDamaged, message: describe(error), object: `index/${id}`, snapshots: [] });
    }
  });

  const deps = new DependencyMap();
  await mapLimit(snapshots, 4, async ({ id, snapshot }) => issues.push(...(await snapshotBlobIssues(vault, index, id, snapshot, deps))));

  const stored = new Map<string, number>();
  for await (const info of vault.store.list('data/')) stored.set(info.key.slice(info.key.lastIndexOf('/') + 1), info.size);
  const packs = [...index.allPacks()];
  const intact: PackEntry[] = [];
  for (const pack of packs) {
    const size = stored.get(pack.id);
    if (size === undefined) {
      issues.push({ kind: IssueKind.PackMissing, message: `pack ${pack.id} is missing`, pack: pack.id, snapshots: deps.forPack(pack, index) });
    } else if (size !== pack.size) {
      issues.push({ kind: IssueKind.PackSize, message: `pack ${pack.id} has ${size} bytes, the index says ${pack.size}`, pack: pack.id, snapshots: deps.forPack(pack, index) });
    } else {
      intact.push(pack);
    }
  }
  const unreferencedPacks = [...stored.keys()].filter((id) => !index.pack(id));

  let bytesRead = 0;
  let blobsChecked = 0;
  let packsRead = 0;
  if (options.readData) {
    const selected = intact.filter((p) => options.selectPack?.(p) ?? true);
    let done = 0;
    await mapLimit(selected, concurrency, async (pack) => {
      const found = await readPackData(vault, index, pack, deps);
      issues.push(...found.issues);
      bytesRead += found.bytes;
      blobsChecked += found.blobs;
      packsRead += 1;
      options.onProgress?.(++done, selected.length);
    });
  }

  const damaged = new Set(issues.flatMap((i) => i.snapshots));
  return {
    ok: issues.length === 0,
    snapshots: snapshotIds.length,
    indexes: indexIds.length,
    packs: packs.length,
    packsRead,
    bytesRead,
    blobsChecked,
    unreferencedPacks,
    issues,
    damagedSnapshots: [...damaged].sort(),
  };
}

/**
 * Reads a snapshot's blob ids (one blob list at a time), records them in
 * `deps`, and reports its blob lists that cannot be read and its blobs no
 * index lists.
 */
async function snapshotBlobIssues(vault: Vault, index: MasterIndex, id: string, snapshot: Snapshot, deps: DependencyMap): Promise<CheckIssue[]> {
  const issues: CheckIssue[] = [];
  const lists = new BlobLists(vault);
  const missing = new Set<string>();
  for (const partition of snapshot.partitions) {
    try {
      for (const blob of await lists.of(snapshot, partition)) {
        deps.add(blob, id);
        if (!index.has(blob)) missing.add(blob);
      }
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      const object = error instanceof CorruptedBackupError ? error.location.object : undefined;
      issues.push({ kind: IssueKind.BlobListDamaged, message: `snapshot ${id}: ${describe(error)}`, ...(object ? { object } : {}), snapshots: [id] });
    }
  }
  for (const blob of missing) {
    issues.push({ kind: IssueKind.BlobNotIndexed, message: `blob ${blob} of snapshot ${id} is in no index`, blob, snapshots: [id] });
  }
  return issues;
}

/**
 * Downloads one pack and checks it: SHA-256 against its name, sealed header
 * against the index, every blob authenticated and matched to its id.
 */
export async function readPackData(vault: Vault, index: MasterIndex, pack: PackEntry, deps: DependencyMap): Promise<{ issues: CheckIssue[]; bytes: number; blobs: number }> {
  const issues: CheckIssue[] = [];
  let bytes: Uint8Array;
  try {
    bytes = await vault.store.get(packKey(pack.id));
  } catch (error) {
    if (!(error instanceof ObjectNotFoundError)) throw error;
    return { issues: [{ kind: IssueKind.PackMissing, message: `pack ${pack.id} is missing`, pack: pack.id, snapshots: deps.forPack(pack, index) }], bytes: 0, blobs: 0 };
  }
  if (sha256Hex(bytes) !== pack.id) {
    issues.push({ kind: IssueKind.PackHash, message: `pack ${pack.id}: content does not match its name`, pack: pack.id, snapshots: deps.forPack(pack, index) });
  }
  try {
    const headerLength = decodeTrailer(bytes.subarray(bytes.length - TRAILER_LENGTH), pack.id);
    const headerStart = bytes.length - TRAILER_LENGTH - headerLength;
    const name = `pack ${pack.id} header`;
    const payload = await openObject(bytes.subarray(headerStart, bytes.length - TRAILER_LENGTH), ObjectType.PackHeader, vault.keyring.resolve, name);
    const header = decodePackHeader(payload, pack.id);
    const same =
      header.length === pack.blobs.length &&
      header.every((h, i) => {
        const b = pack.blobs[i]!;
        return h.id === b.id && h.offset === b.offset && h.length === b.length && h.rawLength === b.rawLength && h.compression === b.compression;
      });
    if (!same) {
      issues.push({ kind: IssueKind.PackHeader, message: `pack ${pack.id}: header does not match the index`, pack: pack.id, snapshots: deps.forPack(pack, index) });
    }
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    issues.push({ kind: IssueKind.PackHeader, message: describe(error), pack: pack.id, snapshots: deps.forPack(pack, index) });
  }
  let blobs = 0;
  for (const blob of pack.blobs) {
    try {
      await decodeBlob(vault, { pack, blob }, bytes.subarray(blob.offset, blob.offset + blob.length));
    } catch (error) {
      if (!(error instanceof CorruptedBackupError)) throw error;
      const elsewhere = index.locate(blob.id).some((l) => l.pack.id !== pack.id);
      issues.push({ kind: IssueKind.BlobDamaged, message: describe(error), pack: pack.id, blob: blob.id, snapshots: elsewhere ? [] : deps.forBlob(blob.id) });
    }
    blobs += 1;
  }
  return { issues, bytes: bytes.length, blobs };
}
