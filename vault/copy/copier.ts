/**
 * Copies snapshots from one vault into a copy vault of it (`copy-vault.ts`):
 * only the blobs the target's index lacks are read from the source, sealed
 * again under the target's key and packed (`blob-transfer.ts`); then the
 * index object(s) listing the new packs; then the snapshot's blob lists,
 * sealed again under the target's key; then the snapshot, last, with the
 * source's backup id, job id, type, partitions (naming the copied lists) and stats and its `origin`
 * (FORMAT.md §9.1); then the new snapshot is verified in the target. A copy
 * interrupted anywhere leaves no snapshot that references missing data, and
 * running it again finishes it: packs already listed by an index object are
 * not copied again, and a snapshot whose origin the target already holds is
 * not copied at all.
 */
import { checkVault } from '../checker/checker.js';
import type { MasterIndex } from '../index/master-index.js';
import { SnapshotNotFoundError } from '../repository/errors.js';
import type { Vault } from '../repository/vault.js';
import { BlobLists, blobListIds } from '../repository/partition-blobs.js';
import type { PartitionRecord, Snapshot, SnapshotOrigin } from '../snapshot/snapshot.js';
import { BlobTransfer, type TransferCounts, type TransferTuning } from './blob-transfer.js';
import { assertCopyTarget } from './copy-vault.js';
import { CopyVerificationError } from './errors.js';

/** Progress of one snapshot's copy. */
export interface CopyProgress extends Readonly<TransferCounts> {
  /** Source snapshot id. */
  snapshot: string;
  /** Blobs this copy has to transfer. */
  blobsToCopy: number;
}

/** How copies run. */
export interface CopyOptions {
  /** After writing, read back every pack the copy wrote and authenticate every blob in it (default false: check that every blob is indexed and every pack exists). */
  readData?: boolean;
  tuning?: Partial<TransferTuning>;
  onProgress?: (progress: CopyProgress) => void;
}

/** What copying one snapshot did. */
export interface CopyResult {
  sourceSnapshotId: string;
  targetSnapshotId: string;
  /** True when the target already held this backup (nothing was written). */
  alreadyCopied: boolean;
  /** Distinct blobs the snapshot references. */
  blobsTotal: number;
  /** Blobs read from the source and written to the target. */
  blobsCopied: number;
  /** Blobs the target already held. */
  blobsPresent: number;
  /** Plaintext bytes of the blobs copied. */
  plaintextBytesCopied: number;
  /** Bytes of source packs read (ranged reads). */
  bytesRead: number;
  /** Bytes of target packs written (index objects and the snapshot add a few KiB). */
  bytesWritten: number;
  packsWritten: number;
  indexIds: string[];
  /** The most blob-data bytes held at once. */
  peakBufferedBytes: number;
  /** Packs read back by the verification (`readData`). */
  packsVerified: number;
  durationMs: number;
}

/** What `copySnapshot` needs. */
export interface CopyRequest extends CopyOptions {
  source: Vault;
  target: Vault;
  /** Snapshot id, unique prefix, or `latest`. */
  snapshotId: string;
}

function originKey(origin: SnapshotOrigin): string {
  return `${origin.vault}/${origin.snapshot}`;
}

/** The vault and snapshot a backup was first committed in. */
export function originOf(vault: Vault, id: string, snapshot: Snapshot): SnapshotOrigin {
  return snapshot.origin ?? { vault: vault.config.id, snapshot: id };
}

/** Copies one snapshot. See {@link VaultCopier} to copy several with the indexes loaded once. */
export async function copySnapshot(request: CopyRequest): Promise<CopyResult> {
  return new VaultCopier(request.source, request.target, request).copy(request.snapshotId);
}

/** Copies snapshots from a vault into one of its copy vaults, loading each vault's index once. */
export class VaultCopier {
  private sourceIndex: MasterIndex | undefined;
  private targetIndex: MasterIndex | undefined;
  /** Target snapshot id by origin. */
  private copies: Map<string, string> | undefined;

  /** @throws SameVaultError, CopyTargetMismatchError */
  constructor(
    readonly source: Vault,
    readonly target: Vault,
    private readonly options: CopyOptions = {},
  ) {
    assertCopyTarget(source, target);
  }

  /**
   * Copies one snapshot (a no-op when the target holds its backup already).
   * @param ref - snapshot id, unique prefix, or `latest`
   * @throws SnapshotNotFoundError, CorruptedBackupError (the source is damaged), CopyVerificationError
   */
  async copy(ref: string): Promise<CopyResult> {
    const started = Date.now();
    const id = await this.source.resolveSnapshotId(ref);
    const snapshot = await this.source.readSnapshot(id);
    const origin = originOf(this.source, id, snapshot);
    const copies = await this.targetCopies();
    // Every list is kept once read: copyBlobLists re-seals the same lists for the target.
    const lists = new BlobLists(this.source, blobListIds(snapshot).length);
    const blobs = new Set<string>();
    for await (const blob of lists.blobsOf(snapshot)) blobs.add(blob);
    const existing = copies.get(originKey(origin));
    if (existing) return { ...emptyResult(id, existing, blobs.size, started), alreadyCopied: true };

    const [sourceIndex, targetIndex] = await this.indexes();
    const missing = [...blobs].filter((blob) => !targetIndex.has(blob));
    const transfer = new BlobTransfer(this.source, sourceIndex, this.target, this.options.tuning, (counts) =>
      this.options.onProgress?.({ ...counts, snapshot: id, blobsToCopy: missing.length }),
    );
    await transfer.transfer(missing, new Set(snapshot.index_ids));
    await transfer.finish();
    for (const index of transfer.indexes) targetIndex.addPacks(index.packs, index.id);
    const unlisted = [...blobs].filter((blob) => !targetIndex.has(blob));
    if (unlisted.length > 0) throw new CopyVerificationError(`${unlisted.length} blobs of snapshot ${id} are in no index of ${this.target.store.uri} after the copy (first: ${unlisted[0]})`);

    const indexIds = transfer.indexes.map((i) => i.id);
    const partitions = await this.copyBlobLists(snapshot, lists);
    const copied: Snapshot = { ...snapshot, partitions, parent: await this.targetParent(snapshot), index_ids: indexIds, origin };
    const targetId = await this.target.writeSnapshot(copied);
    let packsVerified: number;
    try {
      packsVerified = await this.verify(targetId, new Set(transfer.indexes.flatMap((i) => i.packs.map((p) => p.id))));
    } catch (error) {
      // A copy that fails its check is removed again, so a later run copies it afresh.
      await this.target.store.delete(`snapshots/${targetId}`);
      throw error;
    }
    copies.set(originKey(origin), targetId);
    const c = transfer.counts;
    return {
      sourceSnapshotId: id,
      targetSnapshotId: targetId,
      alreadyCopied: false,
      blobsTotal: blobs.size,
      blobsCopied: c.blobs,
      blobsPresent: blobs.size - c.blobs,
      plaintextBytesCopied: c.plaintextBytes,
      bytesRead: c.bytesRead,
      bytesWritten: c.bytesWritten,
      packsWritten: c.packsWritten,
      indexIds,
      peakBufferedBytes: c.peakBufferedBytes,
      packsVerified,
      durationMs: Date.now() - started,
    };
  }

  /** Every target snapshot by the origin of its backup. */
  private async targetCopies(): Promise<Map<string, string>> {
    if (!this.copies) {
      const all = await this.target.listSnapshots();
      this.copies = new Map(all.map((s) => [originKey(originOf(this.target, s.id, s.snapshot)), s.id]));
    }
    return this.copies;
  }

  private async indexes(): Promise<[MasterIndex, MasterIndex]> {
    this.sourceIndex ??= await this.source.loadIndex();
    this.targetIndex ??= await this.target.loadIndex();
    return [this.sourceIndex, this.targetIndex];
  }

  /**
   * Writes the target's copy of each blob list the snapshot references
   * (sealed under the target's key, so under a new id) and returns the
   * partition records naming the copies. Inline lists (version 1) stay inline.
   */
  private async copyBlobLists(snapshot: Snapshot, lists: BlobLists): Promise<PartitionRecord[]> {
    const copies = new Map<string, string>();
    for (const id of blobListIds(snapshot)) {
      const parts = await lists.read(id);
      copies.set(id, await this.target.writeBlobList(parts.map((part) => [...part])));
    }
    return snapshot.partitions.map((p) => (p.blob_list ? { ...p, blob_list: { ...p.blob_list, id: copies.get(p.blob_list.id)! } } : p));
  }

  /** The target's copy of the source snapshot's parent, if it holds one. */
  private async targetParent(snapshot: Snapshot): Promise<string | null> {
    if (!snapshot.parent) return null;
    let parent: Snapshot;
    try {
      parent = await this.source.readSnapshot(snapshot.parent);
    } catch (error) {
      if (error instanceof SnapshotNotFoundError) return null; // forgotten since
      throw error;
    }
    return (await this.targetCopies()).get(originKey(originOf(this.source, snapshot.parent, parent))) ?? null;
  }

  /**
   * Checks the new snapshot in the target (`checkVault`): it authenticates,
   * every blob it references is indexed, every pack it needs exists with its
   * size; with `readData`, the packs this copy wrote are read back.
   * @returns the number of packs read back
   * @throws CopyVerificationError naming the problems found
   */
  private async verify(targetId: string, written: ReadonlySet<string>): Promise<number> {
    const report = await checkVault(this.target, { snapshotIds: [targetId], readData: Boolean(this.options.readData), selectPack: (p) => written.has(p.id) });
    const issues = report.issues.filter((i) => i.snapshots.includes(targetId) || (i.pack !== undefined && written.has(i.pack)));
    if (issues.length > 0) {
      throw new CopyVerificationError(`snapshot ${targetId} copied into ${this.target.store.uri} did not verify and was removed: ${issues.map((i) => i.message).join('; ')}`);
    }
    return report.packsRead;
  }
}

function emptyResult(sourceSnapshotId: string, targetSnapshotId: string, blobsTotal: number, started: number): CopyResult {
  return {
    sourceSnapshotId,
    targetSnapshotId,
    alreadyCopied: false,
    blobsTotal,
    blobsCopied: 0,
    blobsPresent: blobsTotal,
    plaintextBytesCopied: 0,
    bytesRead: 0,
    bytesWritten: 0,
    packsWritten: 0,
    indexIds: [],
    peakBufferedBytes: 0,
    packsVerified: 0,
    durationMs: Date.now() - started,
  };
}
