/**
 * The merged, in-memory view of every index object loaded: blob id → the
 * places it is stored. Dedup lookups and restores use it; nothing asks the
 * store per chunk.
 */
import type { BlobLocation, PackEntry } from './types.js';

/** Blob lookups over many index objects. */
export class MasterIndex {
  private readonly blobs = new Map<string, BlobLocation[]>();
  private readonly packs = new Map<string, PackEntry>();
  private readonly packIndex = new Map<string, string>();

  /** Adds the packs of one index object. A pack already known is skipped. */
  addPacks(packs: readonly PackEntry[], indexId = ''): void {
    for (const pack of packs) {
      if (this.packs.has(pack.id)) continue;
      this.packs.set(pack.id, pack);
      this.packIndex.set(pack.id, indexId);
      for (const blob of pack.blobs) {
        const locations = this.blobs.get(blob.id);
        if (locations) locations.push({ pack, blob });
        else this.blobs.set(blob.id, [{ pack, blob }]);
      }
    }
  }

  /** True when the blob is stored somewhere. */
  has(blobId: string): boolean {
    return this.blobs.has(blobId);
  }

  /** Every place the blob is stored (newest index last). */
  locate(blobId: string): readonly BlobLocation[] {
    return this.blobs.get(blobId) ?? [];
  }

  /** A known pack by id. */
  pack(id: string): PackEntry | undefined {
    return this.packs.get(id);
  }

  /** Every known pack. */
  allPacks(): IterableIterator<PackEntry> {
    return this.packs.values();
  }

  /** The id of the index object that listed a pack. */
  indexOf(packId: string): string | undefined {
    return this.packIndex.get(packId);
  }

  /** Number of distinct blobs. */
  get blobCount(): number {
    return this.blobs.size;
  }
}
