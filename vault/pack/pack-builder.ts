/**
 * Assembles sealed blobs into one pack object, header and trailer last.
 *
 * Blobs are copied into one growing buffer as they are added, so finishing
 * a pack needs no second copy of it, and the pack is hashed (its name) on a
 * blob worker when one runs (`sha256Moving`). Builders given a
 * {@link PackBuffers} take their buffer from it and give it back once the
 * finished pack is stored (`FinishedPack.release`), so a backup reuses a few
 * pack-sized buffers rather than leaving one 16 MiB buffer per pack for the
 * garbage collector, which the main thread, allocating little else, runs late.
 */
import { ObjectType, sealObject, type SealingKey } from '../format/sealed-object.js';
import type { BlobEntry, PackEntry } from '../index/types.js';
import { sha256Moving } from './blob-workers.js';
import { encodePackHeader, encodeTrailer } from './pack-format.js';

/** A finished pack: its name (SHA-256 of the bytes), bytes, and index entry. */
export interface FinishedPack {
  entry: PackEntry;
  bytes: Uint8Array;
  /** Gives the buffer behind `bytes` back for the next pack: call it once the pack is stored, and use `bytes` no more. */
  release(): void;
}

/** Pack buffers kept for reuse by the builders of one writer. */
export class PackBuffers {
  private readonly free: Array<Uint8Array<ArrayBuffer>> = [];

  /** @param keep - buffers kept at most (more are dropped when given back) */
  constructor(private readonly keep: number) {}

  /** A free buffer of at least `length` bytes, or undefined. */
  take(length: number): Uint8Array<ArrayBuffer> | undefined {
    const at = this.free.findIndex((b) => b.length >= length);
    return at < 0 ? undefined : this.free.splice(at, 1)[0];
  }

  /** Keeps a buffer no one uses any more. */
  give(buffer: Uint8Array<ArrayBuffer>): void {
    if (this.free.length < this.keep) this.free.push(buffer);
  }
}

/** Smallest buffer a pack starts with when no capacity is given. */
const MIN_CAPACITY = 64 * 1024;

/** Collects blobs for one pack, in the order they are added. */
export class PackBuilder {
  private buffer: Uint8Array<ArrayBuffer> | undefined;
  private readonly blobs: BlobEntry[] = [];
  private bytes = 0;

  /**
   * @param capacity - bytes to reserve when the first blob arrives: the
   *   expected pack size plus one blob and the header avoids any regrowth
   */
  constructor(
    private readonly capacity = 0,
    private readonly buffers?: PackBuffers,
  ) {}

  /** Bytes of blobs added so far. */
  get size(): number {
    return this.bytes;
  }

  /** Number of blobs added so far. */
  get count(): number {
    return this.blobs.length;
  }

  /** Appends a sealed blob (copied: the caller may reuse `sealed`). */
  add(id: string, compression: number, rawLength: number, sealed: Uint8Array): void {
    this.reserve(this.bytes + sealed.length);
    this.buffer!.set(sealed, this.bytes);
    this.blobs.push({ id, offset: this.bytes, length: sealed.length, rawLength, compression });
    this.bytes += sealed.length;
  }

  /** Seals the header and returns the pack bytes, named by their SHA-256. The builder is spent afterwards. */
  async finish(key: SealingKey): Promise<FinishedPack> {
    const header = await sealObject(ObjectType.PackHeader, encodePackHeader(this.blobs), key);
    const trailer = encodeTrailer(header.length);
    const length = this.bytes + header.length + trailer.length;
    this.reserve(length);
    const buffer = this.buffer!;
    buffer.set(header, this.bytes);
    buffer.set(trailer, this.bytes + header.length);
    this.buffer = undefined;
    const hashed = await sha256Moving(buffer, length);
    const bytes = hashed.bytes.subarray(0, length);
    const release = (): void => this.buffers?.give(hashed.bytes);
    return { bytes, release, entry: { id: hashed.hex, keyId: Buffer.from(key.id).toString('hex'), size: length, blobs: this.blobs } };
  }

  /** Grows the buffer to hold `length` bytes (by half again at least, so growth is amortized). */
  private reserve(length: number): void {
    const current = this.buffer?.length ?? 0;
    if (length <= current) return;
    const size = Math.max(length, this.capacity, Math.floor(current * 1.5), MIN_CAPACITY);
    const grown = (current === 0 ? this.buffers?.take(size) : undefined) ?? new Uint8Array(Buffer.allocUnsafeSlow(size).buffer);
    if (this.buffer) grown.set(this.buffer.subarray(0, this.bytes));
    this.buffer = grown;
  }
}

/** The object key of a pack: `data/<first two hex digits>/<id>`. */
export function packKey(id: string): string {
  return `data/${id.slice(0, 2)}/${id}`;
}
