/**
 * Moves blobs from one vault into packs of another, streaming: ranged reads
 * of the source's packs (adjacent blobs in one read, a few reads in flight),
 * each blob authenticated and checked against its id, then sealed again
 * under the target's current key (its compressed payload as stored: nothing
 * is recompressed) and appended to a target pack; full packs are uploaded
 * while the next one fills, and an index object lists them every
 * `indexEvery` packs, so an interrupted copy that is run again finds what it
 * already stored. Blobs enter packs in the order given, so a partition's
 * blobs stay side by side in the target too.
 *
 * Memory is bounded by {@link TransferTuning}: at most `readConcurrency`
 * reads of up to `maxReadBytes` and `uploadsInFlight` pack buffers
 * (uploading or filling) — {@link transferMemoryBound} — whatever the
 * snapshot's size.
 */
import { SEAL_OVERHEAD } from '../crypto/aead.js';
import { CorruptedBackupError } from '../format/errors.js';
import type { MasterIndex } from '../index/master-index.js';
import type { BlobLocation, PackEntry } from '../index/types.js';
import { openBlob, sealBlob } from '../pack/blob.js';
import { PackBuilder, packKey } from '../pack/pack-builder.js';
import type { Vault } from '../repository/vault.js';
import { decodeBlob } from '../restore/blob-reader.js';
import { chooseLocation } from '../restore/restorer.js';
import { ObjectNotFoundError } from '../storage/errors.js';

const MiB = 1024 * 1024;

/** How a transfer reads and writes. */
export interface TransferTuning {
  /** Ranged reads of the source in flight at once (default 4). */
  readConcurrency: number;
  /** Largest single ranged read of the source (default 8 MiB). */
  maxReadBytes: number;
  /** Pack buffers at once, the filling one included (default 3: two uploading while the next fills). */
  uploadsInFlight: number;
  /** An index object is written after this many packs are stored (default 32, about 512 MiB of 16 MiB packs). */
  indexEvery: number;
}

/** The defaults of {@link TransferTuning}. */
export const DEFAULT_TRANSFER_TUNING: TransferTuning = Object.freeze({ readConcurrency: 4, maxReadBytes: 8 * MiB, uploadsInFlight: 3, indexEvery: 32 });

/** Bytes a target pack's buffer reserves: the pack size, one more (largest) blob, and room for the header. */
function packCapacity(target: Vault): number {
  return target.config.pack_size + target.config.chunker.max + SEAL_OVERHEAD + 64 * 1024;
}

/**
 * The most bytes of blob data a transfer into `target` holds at once:
 * `readConcurrency × maxReadBytes + uploadsInFlight × pack capacity`
 * (plus one blob being decoded), where a pack's capacity is the pack size
 * plus one largest blob and 64 KiB. With the defaults and 16 MiB packs,
 * about 83 MiB.
 */
export function transferMemoryBound(target: Vault, tuning: TransferTuning = DEFAULT_TRANSFER_TUNING): number {
  return tuning.readConcurrency * tuning.maxReadBytes + Math.max(1, tuning.uploadsInFlight) * packCapacity(target);
}

/** Counts of a transfer so far. */
export interface TransferCounts {
  /** Blobs sealed into target packs. */
  blobs: number;
  /** Their plaintext bytes. */
  plaintextBytes: number;
  /** Bytes of source packs read. */
  bytesRead: number;
  /** Bytes of target packs stored. */
  bytesWritten: number;
  packsWritten: number;
  /** The most blob-data bytes held at once (reads in flight, the filling pack, packs uploading). */
  peakBufferedBytes: number;
}

/** One ranged read: adjacent blobs of one source pack. */
interface ReadGroup {
  pack: PackEntry;
  start: number;
  end: number;
  locations: BlobLocation[];
}

function* readGroups(index: MasterIndex, blobIds: Iterable<string>, own: ReadonlySet<string>, maxBytes: number): Generator<ReadGroup> {
  let group: ReadGroup | undefined;
  for (const id of blobIds) {
    const location = chooseLocation(index, id, own);
    const { pack, blob } = location;
    if (group && group.pack.id === pack.id && group.end === blob.offset && blob.offset + blob.length - group.start <= maxBytes) {
      group.end = blob.offset + blob.length;
      group.locations.push(location);
      continue;
    }
    if (group) yield group;
    group = { pack, start: blob.offset, end: blob.offset + blob.length, locations: [location] };
  }
  if (group) yield group;
}

/** Writes blobs of `source` into new packs of `target`; see the module documentation. */
export class BlobTransfer {
  readonly counts: TransferCounts = { blobs: 0, plaintextBytes: 0, bytesRead: 0, bytesWritten: 0, packsWritten: 0, peakBufferedBytes: 0 };
  /** Index objects written, each with the packs it lists. */
  readonly indexes: Array<{ id: string; packs: PackEntry[] }> = [];
  private readonly tuning: TransferTuning;
  private pack: PackBuilder;
  private packHeld = 0;
  private buffered = 0;
  private readonly uploads = new Set<Promise<void>>();
  private uploadFailure: unknown;
  /** Packs stored and not yet listed by an index object. */
  private unindexed: PackEntry[] = [];

  constructor(
    private readonly source: Vault,
    private readonly sourceIndex: MasterIndex,
    private readonly target: Vault,
    tuning: Partial<TransferTuning> = {},
    private readonly onProgress?: (counts: Readonly<TransferCounts>) => void,
  ) {
    this.tuning = { ...DEFAULT_TRANSFER_TUNING, ...tuning };
    this.pack = new PackBuilder(packCapacity(target));
  }

  /**
   * Copies the blobs, in this order, into target packs.
   * @param own - index ids of the snapshot's own index objects: their packs are read first (as a restore does)
   * @throws CorruptedBackupError when a blob authenticates at none of its source locations
   */
  async transfer(blobIds: Iterable<string>, own: ReadonlySet<string>): Promise<void> {
    const groups = readGroups(this.sourceIndex, blobIds, own, this.tuning.maxReadBytes);
    const window: Array<{ group: ReadGroup; read: Promise<Uint8Array | undefined> }> = [];
    const fill = () => {
      while (window.length < this.tuning.readConcurrency) {
        const next = groups.next();
        if (next.done) return;
        const read = this.read(next.value);
        read.catch(() => {}); // surfaced when awaited in order below
        window.push({ group: next.value, read });
      }
    };
    try {
      fill();
      while (window.length > 0) {
        const { group, read } = window.shift()!;
        const bytes = await read;
        for (const location of group.locations) {
          const at = location.blob.offset - group.start;
          await this.add(location, await this.reseal(location, bytes?.subarray(at, at + location.blob.length)));
        }
        this.release(group.end - group.start);
        fill();
        await this.afterBlobs();
      }
    } finally {
      // Let reads and uploads already started settle (a failure is the caller's error already), so nothing writes after the copy returns.
      await Promise.allSettled([...window.map((w) => w.read), ...this.uploads]);
    }
  }

  /** Stores the last pack, waits for uploads, and lists every unindexed pack in an index object. */
  async finish(): Promise<void> {
    if (this.pack.count > 0) this.startUpload(this.pack, this.packHeld);
    this.pack = new PackBuilder(packCapacity(this.target));
    this.packHeld = 0;
    await Promise.all([...this.uploads]);
    if (this.uploadFailure) throw this.uploadFailure;
    await this.writeIndex();
  }

  /** Reads a group's bytes; undefined when the pack is missing (each blob then tries its other locations). */
  private async read(group: ReadGroup): Promise<Uint8Array | undefined> {
    this.hold(group.end - group.start);
    try {
      const bytes = await this.source.store.get(packKey(group.pack.id), { start: group.start, end: group.end });
      this.counts.bytesRead += bytes.length;
      return bytes;
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    }
  }

  /**
   * A blob sealed under the target's key: authenticated, decompressed and
   * matched to its id in the source (`decodeBlob`), then its stored payload
   * sealed again. A blob that fails is taken from its other locations.
   */
  private async reseal(location: BlobLocation, stored: Uint8Array | undefined): Promise<Uint8Array> {
    let failure: unknown = stored ? undefined : new CorruptedBackupError(`pack ${location.pack.id} is missing`, { pack: location.pack.id, blob: location.blob.id });
    const candidates = [location, ...this.sourceIndex.locate(location.blob.id).filter((l) => l.pack.id !== location.pack.id || l.blob.offset !== location.blob.offset)];
    for (const [n, candidate] of candidates.entries()) {
      try {
        const bytes = n === 0 ? stored : await this.readOne(candidate);
        if (!bytes) continue;
        await decodeBlob(this.source, candidate, bytes);
        const id = Buffer.from(candidate.blob.id, 'hex');
        const payload = openBlob(this.source.keyring.get(candidate.pack.keyId), id, candidate.blob.compression, bytes);
        return sealBlob(this.target.keyring.current, id, candidate.blob.compression, payload);
      } catch (error) {
        if (!(error instanceof CorruptedBackupError)) throw error;
        failure ??= error;
      }
    }
    throw failure;
  }

  private async readOne(location: BlobLocation): Promise<Uint8Array | undefined> {
    const { pack, blob } = location;
    try {
      const bytes = await this.source.store.get(packKey(pack.id), { start: blob.offset, end: blob.offset + blob.length });
      this.counts.bytesRead += bytes.length;
      return bytes;
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    }
  }

  private async add(location: BlobLocation, sealed: Uint8Array): Promise<void> {
    if (this.pack.count === 0) {
      this.packHeld = packCapacity(this.target);
      this.hold(this.packHeld);
    }
    this.pack.add(location.blob.id, location.blob.compression, location.blob.rawLength, sealed);
    this.counts.blobs += 1;
    this.counts.plaintextBytes += location.blob.rawLength;
    if (this.pack.size >= this.target.config.pack_size) {
      const full = this.pack;
      this.pack = new PackBuilder(packCapacity(this.target));
      this.startUpload(full, this.packHeld);
      this.packHeld = 0;
      // Back-pressure: at most `uploadsInFlight` pack buffers, uploading or filling.
      while (this.uploads.size >= this.tuning.uploadsInFlight) await Promise.race(this.uploads);
      if (this.uploadFailure) throw this.uploadFailure;
    }
    this.onProgress?.(this.counts);
  }

  /** Writes an index object once `indexEvery` packs are stored unlisted. */
  private async afterBlobs(): Promise<void> {
    if (this.uploadFailure) throw this.uploadFailure;
    if (this.unindexed.length >= this.tuning.indexEvery) await this.writeIndex();
  }

  private async writeIndex(): Promise<void> {
    if (this.unindexed.length === 0) return;
    const listed = this.unindexed;
    this.unindexed = [];
    this.indexes.push({ id: await this.target.writeIndex(listed), packs: listed });
  }

  private startUpload(builder: PackBuilder, held: number): void {
    const upload: Promise<void> = (async () => {
      const finished = await builder.finish(this.target.keyring.current);
      await this.target.store.put(packKey(finished.entry.id), finished.bytes);
      this.unindexed.push(finished.entry);
      this.counts.packsWritten += 1;
      this.counts.bytesWritten += finished.bytes.length;
      this.onProgress?.(this.counts);
    })();
    const tracked: Promise<void> = upload
      .catch((error: unknown) => {
        this.uploadFailure ??= error;
      })
      .finally(() => {
        this.release(held);
        this.uploads.delete(tracked);
      });
    this.uploads.add(tracked);
  }

  private hold(bytes: number): void {
    this.buffered += bytes;
    this.counts.peakBufferedBytes = Math.max(this.counts.peakBufferedBytes, this.buffered);
  }

  private release(bytes: number): void {
    this.buffered -= bytes;
  }
}
