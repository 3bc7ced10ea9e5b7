/**
 * One backup's writer: streams partitions through
 * chunk → id (HMAC) → dedup → compress → encrypt → pack → upload,
 * in one pass and bounded memory, then writes the index for the packs it
 * stored and one blob-list object holding its partitions' ordered chunk ids
 * (FORMAT.md §9.2), which the partition records reference. Compression and encryption run on worker threads (`pack/blob-workers.ts`;
 * on this thread when none can run), so chunking and hashing on the main
 * thread overlap with them and with uploads.
 */
import { chunkStream } from '../chunker/fastcdc.js';
import { gearTable } from '../chunker/gear.js';
import type { Compression } from '../compression/codec.js';
import type { CompressionConfig } from '../compression/settings.js';
import { SEAL_OVERHEAD } from '../crypto/aead.js';
import { chunkId } from '../crypto/hash.js';
import type { PackEntry } from '../index/types.js';
import { PackBuffers, PackBuilder, packKey } from '../pack/pack-builder.js';
import { blobConcurrency, sealChunks, warmBlobPool } from '../pack/blob-workers.js';
import type { PartitionRecord } from '../snapshot/snapshot.js';
import { digestFields, startPartitionDigest } from '../snapshot/partition-digest.js';
import type { Vault } from '../repository/vault.js';
import { EMPTY_VIEW, type DedupView } from './dedup-view.js';
import { TurnQueue } from '../util/concurrency.js';

/**
 * Packs stored at once while the next one fills. Each costs a pack's memory
 * (16 MiB by default); three keep chunking and sealing busy while a store
 * waits on fsync or S3 (two left the 1 GiB bench about 10% slower).
 */
const UPLOADS_IN_FLIGHT = 3;

/** Progress of a running backup, in plaintext bytes unless named otherwise. */
export interface BackupProgress {
  partition: string;
  bytesRead: number;
  bytesNew: number;
  bytesStored: number;
  bytesUploaded: number;
}

/** How a session writes. */
export interface BackupSessionOptions {
  compression: CompressionConfig;
  /** Blobs that need not be written again (see `dedupViewFor`). */
  dedup: DedupView;
  /** Blob tasks (compress, encrypt, pack, upload) in flight at once (default 4, or 4 per blob worker). */
  concurrency?: number;
  onProgress?: (progress: BackupProgress) => void;
}

/** What a session wrote: the index objects, partition records (referencing its blob list) and counts its snapshot needs. */
export interface SessionResult {
  partitions: PartitionRecord[];
  index_ids: string[];
  packs: PackEntry[];
  counts: { bytes_read: number; bytes_new: number; bytes_stored: number; blobs_total: number; blobs_new: number; packs_written: number };
}

/** A partition's record before its blob ids are stored: everything but where they are. */
export type PartitionSummary = Omit<PartitionRecord, 'blobs' | 'blob_list'>;

/** Options of one partition. */
export interface PartitionOptions {
  /** Number of records the partition holds, read after the stream ends (sources count as they export). */
  records?: () => number;
  metadata?: Record<string, unknown>;
}

/** Writes the blobs of one backup into packs. */
export class BackupSession {
  private readonly gear: Uint32Array;
  private readonly written = new Set<string>();
  private readonly packs: PackEntry[] = [];
  /** Each partition's record (without its blob ids) and ordered blob ids, until `finish` stores them. */
  private readonly partitions: Array<{ record: PartitionSummary; blobs: string[] }> = [];
  private readonly uploads = new Set<Promise<void>>();
  /** Chunks enter packs in the order they were read. */
  private readonly packOrder = new TurnQueue();
  private pack: PackBuilder;
  /** Pack buffers reused from pack to pack: one filling and one per upload in flight. */
  private readonly packBuffers = new PackBuffers(UPLOADS_IN_FLIGHT + 1);
  private counts = { bytes_read: 0, bytes_new: 0, bytes_stored: 0, blobs_total: 0, blobs_new: 0, packs_written: 0 };
  private bytesUploaded = 0;
  private uploadFailure: unknown;
  private currentPartition = '';

  constructor(
    private readonly vault: Vault,
    private readonly options: BackupSessionOptions,
  ) {
    this.gear = gearTable(vault.keyring.secrets.chunkerSecret);
    this.pack = this.newPack();
    warmBlobPool();
  }

  /** A pack builder sized for a full pack: the pack size, one more (largest) blob, and room for the header. */
  private newPack(): PackBuilder {
    return new PackBuilder(this.vault.config.pack_size + this.vault.config.chunker.max + SEAL_OVERHEAD + 64 * 1024, this.packBuffers);
  }

  /**
   * Backs up one partition from a byte stream of any size.
   * Nothing is visible to readers until `finish` writes the index and the caller commits a snapshot.
   */
  async backupPartition(name: string, source: AsyncIterable<Uint8Array>, options: PartitionOptions = {}): Promise<PartitionSummary> {
    this.currentPartition = name;
    const digest = await startPartitionDigest();
    const blobs: string[] = [];
    let size = 0;
    const limit = this.options.concurrency ?? blobConcurrency(4);
    const inflight = new Set<Promise<void>>();
    let failure: unknown;
    const params = { min: this.vault.config.chunker.min, avg: this.vault.config.chunker.avg, max: this.vault.config.chunker.max };
    // With nothing to reuse (a full backup), every chunk is stored unless it repeats within this
    // backup, so its id is computed next to its compression, off this thread, and a repeat is
    // dropped when its id comes back. Otherwise the id decides first whether to store the chunk.
    const idsLater = this.options.dedup === EMPTY_VIEW;
    const track = (task: Promise<void>): void => {
      const tracked: Promise<void> = task.then(
        () => void inflight.delete(tracked),
        (error: unknown) => {
          failure ??= error;
          inflight.delete(tracked);
        },
      );
      inflight.add(tracked);
    };
    try {
      for await (const chunk of chunkStream(source, this.gear, params)) {
        digest.update(chunk);
        size += chunk.length;
        this.counts.bytes_read += chunk.length;
        this.counts.blobs_total += 1;
        const position = blobs.push('') - 1;
        if (idsLater) {
          track(this.storeBlob(chunk, undefined).then((id) => void (blobs[position] = id)));
        } else {
          const idBytes = chunkId(this.vault.keyring.secrets.macKey, chunk);
          const id = idBytes.toString('hex');
          blobs[position] = id;
          if (this.written.has(id) || this.options.dedup.has(id)) {
            this.report();
            continue;
          }
          this.written.add(id);
          track(this.storeBlob(chunk, idBytes).then(() => undefined));
        }
        if (inflight.size >= limit) await Promise.race(inflight);
        if (failure) throw failure;
      }
    } finally {
      await Promise.all(inflight);
    }
    if (failure) throw failure;
    const record: PartitionSummary = {
      name,
      size,
      ...digestFields(digest),
      records: options.records?.() ?? 0,
      ...(options.metadata ? { metadata: options.metadata } : {}),
    };
    this.partitions.push({ record, blobs });
    return record;
  }

  /**
   * Stores the last partial pack, waits for uploads, writes one index object
   * for every pack of this session, then one blob-list object for its
   * partitions (after the blobs it lists are indexed: FORMAT.md §10).
   */
  async finish(): Promise<SessionResult> {
    if (this.pack.count > 0) this.startUpload(this.pack);
    this.pack = this.newPack();
    await this.drainUploads();
    const index_ids = this.packs.length > 0 ? [await this.vault.writeIndex(this.packs)] : [];
    const listId = this.partitions.length > 0 ? await this.vault.writeBlobList(this.partitions.map((p) => p.blobs)) : '';
    const partitions = this.partitions.map(({ record, blobs }, part): PartitionRecord => ({ ...record, blob_list: { id: listId, part, count: blobs.length } }));
    return { partitions, index_ids, packs: this.packs, counts: { ...this.counts } };
  }

  /**
   * Compresses, seals and packs one chunk; with no id given, computes it
   * first and drops the chunk when this session already stored it. Chunks
   * are sealed concurrently but enter packs in the order they were read, so
   * a partition's blobs sit side by side and restore with few ranged reads.
   * @returns the chunk id (hex)
   */
  private async storeBlob(chunk: Uint8Array, known: Buffer | undefined): Promise<string> {
    const turn = this.packOrder.take();
    try {
      const rawLength = chunk.length;
      let id = known?.toString('hex') ?? '';
      let sealedBlob: { compression: Compression; bytes: Uint8Array } | undefined;
      let added = false;
      const settings = { key: this.vault.keyring.current, compression: this.options.compression, macKey: this.vault.keyring.secrets.macKey };
      // Runs when it is this chunk's turn: a chunk whose id was only computed now is dropped
      // if an earlier chunk (in stream order) stored it, so the first occurrence is the one kept.
      const place = (compression: Compression, sealed: Uint8Array): void => {
        if (!known) {
          if (this.written.has(id) || this.options.dedup.has(id)) return;
          this.written.add(id);
        }
        this.addToPack(id, compression, rawLength, sealed);
        added = true;
      };
      await sealChunks(settings, [known ? { data: chunk, id: known } : { data: chunk }], (_, idBytes, compression, sealed) => {
        if (!known) id = Buffer.from(idBytes.buffer, idBytes.byteOffset, idBytes.byteLength).toString('hex');
        // `sealed` is only valid during this call: place it now when it is this chunk's turn, else keep a copy.
        if (turn.current) place(compression, sealed);
        else sealedBlob = { compression, bytes: sealed.slice() };
      });
      if (sealedBlob) {
        await turn.ready();
        place(sealedBlob.compression, sealedBlob.bytes);
      }
      if (added && this.pack.size >= this.vault.config.pack_size) {
        const full = this.pack;
        this.pack = this.newPack();
        this.startUpload(full);
        // Back-pressure: at most UPLOADS_IN_FLIGHT packs uploading while the next one fills (bounded memory).
        while (this.uploads.size >= UPLOADS_IN_FLIGHT) await Promise.race(this.uploads);
        if (this.uploadFailure) throw this.uploadFailure;
      }
      this.report();
      return id;
    } finally {
      turn.done();
    }
  }

  private addToPack(id: string, compression: Compression, rawLength: number, sealed: Uint8Array): void {
    this.pack.add(id, compression, rawLength, sealed);
    this.counts.bytes_new += rawLength;
    this.counts.bytes_stored += sealed.length;
    this.counts.blobs_new += 1;
  }

  private startUpload(builder: PackBuilder): void {
    const upload: Promise<void> = (async () => {
      const finished = await builder.finish(this.vault.keyring.current);
      await this.vault.store.put(packKey(finished.entry.id), finished.bytes, {
        onProgress: () => this.report(),
      });
      finished.release();
      this.packs.push(finished.entry);
      this.counts.packs_written += 1;
      this.bytesUploaded += finished.bytes.length;
      this.report();
    })();
    const tracked: Promise<void> = upload
      .catch((error: unknown) => {
        this.uploadFailure ??= error;
      })
      .finally(() => this.uploads.delete(tracked));
    this.uploads.add(tracked);
  }

  private async drainUploads(): Promise<void> {
    await Promise.all([...this.uploads]);
    if (this.uploadFailure) throw this.uploadFailure;
  }

  private report(): void {
    this.options.onProgress?.({
      partition: this.currentPartition,
      bytesRead: this.counts.bytes_read,
      bytesNew: this.counts.bytes_new,
      bytesStored: this.counts.bytes_stored,
      bytesUploaded: this.bytesUploaded,
    });
  }
}
