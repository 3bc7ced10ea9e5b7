/** Assembles sealed blobs into one pack object, header and trailer last. */
import { sha256Hex } from '../crypto/hash.js';
import { ObjectType, sealObject, type SealingKey } from '../format/sealed-object.js';
import type { BlobEntry, PackEntry } from '../index/types.js';
import { encodePackHeader, encodeTrailer } from './pack-format.js';

/** A finished pack: its name (SHA-256 of the bytes), bytes, and index entry. */
export interface FinishedPack {
  entry: PackEntry;
  bytes: Uint8Array;
}

/** Collects blobs for one pack, in the order they are added. */
export class PackBuilder {
  private readonly parts: Uint8Array[] = [];
  private readonly blobs: BlobEntry[] = [];
  private bytes = 0;

  /** Bytes of blobs added so far. */
  get size(): number {
    return this.bytes;
  }

  /** Number of blobs added so far. */
  get count(): number {
    return this.blobs.length;
  }

  /** Appends a sealed blob. */
  add(id: string, compression: number, rawLength: number, sealed: Uint8Array): void {
    this.blobs.push({ id, offset: this.bytes, length: sealed.length, rawLength, compression });
    this.parts.push(sealed);
    this.bytes += sealed.length;
  }

  /** Seals the header and returns the pack bytes, named by their SHA-256. */
  async finish(key: SealingKey): Promise<FinishedPack> {
    const header = await sealObject(ObjectType.PackHeader, encodePackHeader(this.blobs), key);
    const bytes = Buffer.concat([...this.parts, header, encodeTrailer(header.length)]);
    // The pack is one buffer now; let the blob copies go while it uploads.
    this.parts.length = 0;
    const id = sha256Hex(bytes);
    return { bytes, entry: { id, keyId: Buffer.from(key.id).toString('hex'), size: bytes.length, blobs: this.blobs } };
  }
}

/** The object key of a pack: `data/<first two hex digits>/<id>`. */
export function packKey(id: string): string {
  return `data/${id.slice(0, 2)}/${id}`;
}
