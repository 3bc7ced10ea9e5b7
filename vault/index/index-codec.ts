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

/**
 * Receives an index payload's records in order, straight from its bytes
 * (so a reader can keep them in any form without per-blob objects).
 */
export interface IndexSink {
  /** A pack record; returns false to skip its blobs. */
  pack(id: string, keyId: string, size: number, blobCount: number): boolean;
  /** A blob record of the last pack accepted; its 32-byte id is `bytes[idAt, idAt + 32)`. */
  blob(bytes: Buffer, idAt: number, offset: number, length: number, rawLength: number, compression: number): void;
}

/** Checks a payload's layout; returns its buffer. @throws VaultFormatError when it is truncated or malformed */
function checkedLayout(payload: Uint8Array, name: string): Buffer {
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const fail = () => new VaultFormatError(`index ${name}: payload is truncated or malformed`);
  if (buf.length < 4) throw fail();
  let at = 4;
  for (let p = buf.readUInt32LE(0); p > 0; p--) {
    if (at + PACK_RECORD > buf.length) throw fail();
    at += PACK_RECORD + buf.readUInt32LE(at + 52) * BLOB_RECORD;
    if (at > buf.length) throw fail();
  }
  if (at !== buf.length) throw fail();
  return buf;
}

/**
 * Reads an index payload into `sink`, record by record. The whole layout is
 * checked first, so a malformed payload reaches the sink not at all.
 * @throws VaultFormatError when the payload is truncated or malformed
 */
export function readIndex(payload: Uint8Array, name: string, sink: IndexSink): void {
  const buf = checkedLayout(payload, name);
  let at = 4;
  for (let p = buf.readUInt32LE(0); p > 0; p--) {
    const count = buf.readUInt32LE(at + 52);
    const wanted = sink.pack(buf.toString('hex', at, at + 32), buf.toString('hex', at + 32, at + 48), buf.readUInt32LE(at + 48), count);
    at += PACK_RECORD;
    if (!wanted) {
      at += count * BLOB_RECORD;
      continue;
    }
    for (let b = 0; b < count; b++, at += BLOB_RECORD) {
      sink.blob(buf, at, buf.readUInt32LE(at + 32), buf.readUInt32LE(at + 36), buf.readUInt32LE(at + 40), buf[at + 44] ?? 0);
    }
  }
}

/** Decodes an index payload into pack entries. @throws VaultFormatError when it is truncated or malformed */
export function decodeIndex(payload: Uint8Array, name: string): PackEntry[] {
  const packs: PackEntry[] = [];
  readIndex(payload, name, {
    pack: (id, keyId, size) => packs.push({ id, keyId, size, blobs: [] }) > 0,
    blob: (bytes, idAt, offset, length, rawLength, compression) => {
      packs[packs.length - 1]!.blobs.push({ id: bytes.toString('hex', idAt, idAt + 32), offset, length, rawLength, compression });
    },
  });
  return packs;
}
