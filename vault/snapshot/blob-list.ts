/**
 * Blob-list objects (FORMAT.md §9.2): the ordered chunk ids of the
 * partitions one export batch backed up, stored once as
 * `lists/<SHA-256 of the stored bytes>` (sealed type BlobList, zstd) and
 * referenced by position from the snapshot's partition records, so a
 * snapshot stays small however much data it covers.
 *
 * Payload: `u32 partition count`, then per partition `u32 blob count` and
 * that many 32-byte chunk ids, in stream order.
 */
import { VaultFormatError } from '../format/errors.js';

/** Bytes of one chunk id in a blob list. */
export const BLOB_ID_BYTES = 32;

/** The ordered chunk ids of one partition, kept as bytes (32 per id) and read as hex. */
export class BlobIds implements Iterable<string> {
  private constructor(
    private readonly bytes: Uint8Array | undefined,
    private readonly hex: readonly string[] | undefined,
  ) {}

  /** Ids held as hex strings (a version 1 snapshot's inline list). */
  static ofHex(ids: readonly string[]): BlobIds {
    return new BlobIds(undefined, ids);
  }

  /** Ids held as packed 32-byte values. */
  static ofBytes(bytes: Uint8Array): BlobIds {
    return new BlobIds(bytes, undefined);
  }

  /** How many ids (a repeated chunk counts each time). */
  get count(): number {
    return this.hex ? this.hex.length : this.bytes!.length / BLOB_ID_BYTES;
  }

  /** The id at position `i` (hex). */
  at(i: number): string {
    if (this.hex) return this.hex[i]!;
    return Buffer.from(this.bytes!.buffer, this.bytes!.byteOffset + i * BLOB_ID_BYTES, BLOB_ID_BYTES).toString('hex');
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.count; i += 1) yield this.at(i);
  }
}

/** Encodes the chunk ids of a batch's partitions, in partition order. */
export function encodeBlobList(parts: ReadonlyArray<readonly string[]>): Buffer {
  const total = parts.reduce((n, p) => n + 4 + p.length * BLOB_ID_BYTES, 4);
  const out = Buffer.alloc(total);
  let at = out.writeUInt32LE(parts.length, 0);
  for (const part of parts) {
    at = out.writeUInt32LE(part.length, at);
    for (const id of part) {
      if (out.write(id, at, 'hex') !== BLOB_ID_BYTES) throw new VaultFormatError(`'${id}' is not a chunk id`);
      at += BLOB_ID_BYTES;
    }
  }
  return out;
}

/**
 * Decodes a blob-list payload into its partitions' ids.
 * @throws VaultFormatError when the layout does not add up
 */
export function decodeBlobList(payload: Uint8Array, name: string): BlobIds[] {
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const bad = () => new VaultFormatError(`${name} is not a blob list (its lengths do not add up)`);
  if (bytes.length < 4) throw bad();
  const parts: BlobIds[] = [];
  const count = bytes.readUInt32LE(0);
  let at = 4;
  for (let p = 0; p < count; p += 1) {
    if (at + 4 > bytes.length) throw bad();
    const end = at + 4 + bytes.readUInt32LE(at) * BLOB_ID_BYTES;
    if (end > bytes.length) throw bad();
    parts.push(BlobIds.ofBytes(bytes.subarray(at + 4, end)));
    at = end;
  }
  if (at !== bytes.length) throw bad();
  return parts;
}
