/**
 * Binary payload of an index object (sealed as type Index):
 * ```
 * u32 LE pack count
 * per pack:  id (32) ‖ key id (16) ‖ size (u32 LE) ‖ blob count (u32 LE)
 *   per blob: id (32) ‖ offset (u32 LE) ‖ stored length (u32 LE) ‖ plaintext length (u32 LE) ‖ compression (u8)
 * ```
 */
import { VaultFormatError } from '../format/errors.js';
import type { PackEntry } from './types.js';

const PACK_RECORD = 32 + 16 + 4 + 4;
const BLOB_RECORD = 32 + 4 + 4 + 4 + 1;

/** Encodes pack entries into an index payload. */
export function encodeIndex(packs: readonly PackEntry[]): Buffer {
  const blobCount = packs.reduce((n, p) => n + p.blobs.length, 0);
  const out = Buffer.alloc(4 + packs.length * PACK_RECORD + blobCount * BLOB_RECORD);
  let at = out.writeUInt32LE(packs.length, 0);
  for (const pack of packs) {
    out.write(pack.id, at, 32, 'hex');
    out.write(pack.keyId, at + 32, 16, 'hex');
    out.writeUInt32LE(pack.size, at + 48);
    at = out.writeUInt32LE(pack.blobs.length, at + 52);
    for (const blob of pack.blobs) {
      out.write(blob.id, at, 32, 'hex');
      out.writeUInt32LE(blob.offset, at + 32);
      out.writeUInt32LE(blob.length, at + 36);
      out.writeUInt32LE(blob.rawLength, at + 40);
      out[at + 44] = blob.compression;
      at += BLOB_RECORD;
    }
  }
  return out;
}

/** Decodes an index payload. */
export function decodeIndex(payload: Uint8Array, name: string): PackEntry[] {
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const fail = () => new VaultFormatError(`index ${name}: payload is truncated or malformed`);
  if (buf.length < 4) throw fail();
  const packs: PackEntry[] = [];
  let at = 4;
  for (let p = buf.readUInt32LE(0); p > 0; p--) {
    if (at + PACK_RECORD > buf.length) throw fail();
    const pack: PackEntry = {
      id: buf.toString('hex', at, at + 32),
      keyId: buf.toString('hex', at + 32, at + 48),
      size: buf.readUInt32LE(at + 48),
      blobs: [],
    };
    const count = buf.readUInt32LE(at + 52);
    at += PACK_RECORD;
    if (at + count * BLOB_RECORD > buf.length) throw fail();
    for (let b = 0; b < count; b++, at += BLOB_RECORD) {
      pack.blobs.push({
        id: buf.toString('hex', at, at + 32),
        offset: buf.readUInt32LE(at + 32),
        length: buf.readUInt32LE(at + 36),
        rawLength: buf.readUInt32LE(at + 40),
        compression: buf[at + 44] ?? 0,
      });
    }
    packs.push(pack);
  }
  if (at !== buf.length) throw fail();
  return packs;
}
