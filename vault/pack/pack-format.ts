/**
 * Pack layout:
 * ```
 * blob 1 ‖ blob 2 ‖ … ‖ blob n ‖ sealed header (type PackHeader) ‖ header length (u32 LE) ‖ "HVNP"
 * ```
 * The header payload is n entries of 41 bytes, in file order:
 * compression (u8) ‖ stored length (u32 LE) ‖ plaintext length (u32 LE) ‖ chunk id (32).
 * Offsets follow from the lengths: blob i starts where blob i-1 ended.
 */
import { CorruptedBackupError, VaultFormatError } from '../format/errors.js';
import type { BlobEntry } from '../index/types.js';

/** Bytes of one header entry. */
export const HEADER_ENTRY_LENGTH = 41;
/** Bytes of the trailer: header length and magic. */
export const TRAILER_LENGTH = 8;
/** Trailer magic. */
export const PACK_MAGIC = Buffer.from('HVNP', 'ascii');

/** Encodes the header payload for blobs in file order. */
export function encodePackHeader(blobs: readonly BlobEntry[]): Buffer {
  const out = Buffer.alloc(blobs.length * HEADER_ENTRY_LENGTH);
  blobs.forEach((blob, i) => {
    const at = i * HEADER_ENTRY_LENGTH;
    out[at] = blob.compression;
    out.writeUInt32LE(blob.length, at + 1);
    out.writeUInt32LE(blob.rawLength, at + 5);
    out.write(blob.id, at + 9, 32, 'hex');
  });
  return out;
}

/** Decodes a header payload into blob entries with their offsets. */
export function decodePackHeader(payload: Uint8Array, packName: string): BlobEntry[] {
  if (payload.length % HEADER_ENTRY_LENGTH !== 0) {
    throw new VaultFormatError(`pack ${packName}: header length ${payload.length} is not a multiple of ${HEADER_ENTRY_LENGTH}`);
  }
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const blobs: BlobEntry[] = [];
  let offset = 0;
  for (let at = 0; at < buf.length; at += HEADER_ENTRY_LENGTH) {
    const length = buf.readUInt32LE(at + 1);
    blobs.push({
      compression: buf[at] ?? 0,
      length,
      rawLength: buf.readUInt32LE(at + 5),
      id: buf.toString('hex', at + 9, at + 41),
      offset,
    });
    offset += length;
  }
  return blobs;
}

/** Encodes the 8-byte trailer. */
export function encodeTrailer(headerLength: number): Buffer {
  const out = Buffer.alloc(TRAILER_LENGTH);
  out.writeUInt32LE(headerLength, 0);
  PACK_MAGIC.copy(out, 4);
  return out;
}

/** Reads the sealed header's length from a trailer. */
export function decodeTrailer(trailer: Uint8Array, packName: string): number {
  const buf = Buffer.from(trailer.buffer, trailer.byteOffset, trailer.byteLength);
  if (buf.length !== TRAILER_LENGTH || !buf.subarray(4).equals(PACK_MAGIC)) {
    throw new CorruptedBackupError(`pack ${packName}: missing or damaged pack trailer (truncated?)`, { pack: packName });
  }
  return buf.readUInt32LE(0);
}
