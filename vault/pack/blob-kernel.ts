/**
 * The blob kernel: the per-chunk CPU work of backup and restore, as the
 * source of a worker-thread handler (see `vault/util/worker-pool.ts` for
 * why it is source text). It only runs primitives with Node's synchronous
 * zlib and crypto APIs; every format decision (zlib options, algorithm
 * bytes, additional data) is made by the TypeScript caller and passed in,
 * and every check of a result (error messages, lengths) is made by the
 * caller again, so this text holds no format knowledge beyond the sealed
 * message layout `nonce (12) ‖ ciphertext ‖ tag (16)` (`crypto/aead.ts`).
 *
 * Operations (`body.op`):
 * - `seal`: for each item, compress `slot[0, length)` with
 *   `method`/`options` unless it looks incompressible
 *   (`compression/entropy.ts`, compiled in) or compressing does not shrink it, write the algorithm
 *   byte used (`flag`, else `noneFlag`) into the last byte of the item's
 *   `aad`, AES-256-GCM-seal the bytes under `key` with that `aad`, and write
 *   the sealed blob over the start of `slot` (a buffer with room for the
 *   chunk plus the seal overhead, moved to the worker and back). An item
 *   with `idAt` has no chunk id yet: the kernel first computes it
 *   (HMAC-SHA256 of the chunk under the task's `macKey`) and writes it into
 *   `aad` at `idAt`. Returns `{ flag, length, slot, id }` per item (`id`
 *   only when computed).
 * - `open`: for each blob of a ranged pack read (`bytes`), open the sealed
 *   bytes at `at`/`length` with its additional data (the n-th `aadLength`
 *   bytes of `aads`), decompress them (`method`/`options`, zlib `info` mode)
 *   and, when the task has a `macKey`, HMAC-SHA256 the plaintext under it
 *   against the 32 bytes at `idAt` of that additional data (without one,
 *   `idOk` is true). Each
 *   plaintext of the expected length (`rawLength`) comes back in an
 *   ArrayBuffer of its own, transferred: zlib's (or the cipher's) output
 *   itself when it owns its whole buffer, so no copy is made, else a copy.
 *   Returns `buffers` (that buffer per blob, or null) and per blob
 *   `{ status: 'auth', short | message }`, `{ status: 'inflate', message, code }` or
 *   `{ status: 'ok', length, bodyLength, consumed, idOk }`.
 * - `sha256`: the SHA-256 (hex) of `bytes[0, length)`; `bytes` comes back
 *   unchanged (transferred both ways, never copied).
 *
 * Results are fresh ArrayBuffers, transferred back without a copy.
 */
import type { ZlibOptions, ZstdOptions } from 'node:zlib';
import { looksIncompressible } from '../compression/entropy.js';

/** One chunk to compress and seal. */
export interface SealItem {
  /** A buffer holding the plaintext chunk at its start, with room for the sealed blob; moved to the worker and back. */
  slot: ArrayBuffer;
  /** Bytes of the chunk. */
  length: number;
  /** The blob's additional data; the kernel writes the algorithm byte into its last byte. */
  aad: Uint8Array;
  /** Where the chunk id goes in `aad` when the kernel is to compute it (the id is then left zero). */
  idAt?: number;
  /** zlib options for this chunk (ignored when `method` is `none`). */
  options: ZstdOptions | ZlibOptions | undefined;
}

/** A `seal` task. */
export interface SealTask {
  op: 'seal';
  /** 32-byte AES-256-GCM key. */
  key: Uint8Array;
  method: 'zstd' | 'gzip' | 'none';
  /** Algorithm byte of a compressed chunk. */
  flag: number;
  /** Algorithm byte of a chunk stored as is. */
  noneFlag: number;
  /** 32-byte HMAC key of chunk ids, for items with `idAt`. */
  macKey?: Uint8Array;
  items: SealItem[];
}

/** One sealed chunk. */
export interface SealOutcome {
  /** The algorithm byte the chunk was stored under. */
  flag: number;
  /** Bytes of the sealed blob (nonce ‖ ciphertext ‖ tag) at the start of `slot`. */
  length: number;
  /** The item's slot, moved back. */
  slot: ArrayBuffer;
  /** The chunk id the kernel computed (items with `idAt` only). */
  id?: Uint8Array;
}

/** One blob of a ranged pack read to open (its additional data is the task's `aads` at `aadLength` times its position). */
export interface OpenItem {
  /** Offset of the sealed blob in the read bytes. */
  at: number;
  length: number;
  /** Plaintext length the blob must restore to. */
  rawLength: number;
  method: 'zstd' | 'gzip' | 'none';
  /** zlib options (with `info: true`) for this blob (ignored for `none`). */
  options: (ZlibOptions & { info: true }) | undefined;
}

/** An `open` task. */
export interface OpenTask {
  op: 'open';
  /** 32-byte AES-256-GCM key of the pack. */
  key: Uint8Array;
  /** 32-byte HMAC key of chunk ids, to recompute each plaintext's id; absent: ids are not recomputed. */
  macKey?: Uint8Array;
  /** Where the 32-byte chunk id sits in each blob's additional data (with `macKey`). */
  idAt?: number;
  /** The ranged read; its buffer is transferred to the worker. */
  bytes: Uint8Array;
  /** The blobs' additional data side by side, `aadLength` bytes each, in the order of `blobs`; transferred. */
  aads: Uint8Array;
  aadLength: number;
  blobs: OpenItem[];
}

/** What opening one blob gave. */
export type OpenOutcome =
  /** Authentication failed: the sealed bytes are shorter than the seal overhead, or the cipher's message. */
  | { status: 'auth'; short?: true; message?: string }
  | { status: 'inflate'; message: string; code: string | undefined }
  /** Opened: `length` plaintext bytes (in the output buffer only when it equals `rawLength`). */
  | { status: 'ok'; length: number; bodyLength: number; consumed: number; idOk: boolean };

/** What an `open` task returns. */
export interface OpenResult {
  /** Per blob, its plaintext when it opened to `rawLength` bytes, else null. */
  buffers: Array<ArrayBuffer | null>;
  blobs: OpenOutcome[];
}

/** A `sha256` task. */
export interface Sha256Task {
  op: 'sha256';
  /** A buffer moved to the worker and back. */
  bytes: Uint8Array;
  /** Bytes to hash, from the start. */
  length: number;
}

/** What a `sha256` task returns. */
export interface Sha256Outcome {
  hex: string;
  /** The task's buffer, moved back. */
  bytes: Uint8Array;
}

/** The kernel: a JavaScript expression evaluating to the worker's task handler. */
export const BLOB_KERNEL_SOURCE = String.raw`(() => {
  const crypto = require('node:crypto');
  const zlib = require('node:zlib');
  const NONCE = 12;
  const TAG = 16;
  const compressors = { zstd: zlib.zstdCompressSync, gzip: zlib.gzipSync };
  const inflaters = { zstd: zlib.zstdDecompressSync, gzip: zlib.gunzipSync };
  const looksIncompressible = (${looksIncompressible.toString()});

  // Seals data into out (which may hold data itself: the cipher copies its output first).
  const sealInto = (key, data, aad, out) => {
    const nonce = crypto.randomBytes(NONCE);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(aad);
    const body = cipher.update(data);
    const tail = cipher.final();
    const tag = cipher.getAuthTag();
    out.set(nonce, 0);
    out.set(body, NONCE);
    out.set(tail, NONCE + body.length);
    out.set(tag, NONCE + body.length + tail.length);
    return NONCE + body.length + tail.length + tag.length;
  };

  // The plaintext, or why authentication failed: 'short', or the cipher's error message.
  const open = (key, sealed, aad) => {
    if (sealed.length < NONCE + TAG) return { failed: 'short' };
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE));
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
    const body = decipher.update(sealed.subarray(NONCE, sealed.length - TAG));
    let tail;
    try {
      tail = decipher.final();
    } catch (error) {
      return { failed: String(error && error.message) };
    }
    return { body: tail.length === 0 ? body : Buffer.concat([body, tail]) };
  };

  const sealAll = ({ key, method, flag, noneFlag, macKey, items }) => {
    const value = [];
    const transfer = [];
    for (const item of items) {
      const slot = new Uint8Array(item.slot);
      const data = slot.subarray(0, item.length);
      let id;
      if (item.idAt !== undefined) {
        id = crypto.createHmac('sha256', macKey).update(data).digest();
        item.aad.set(id, item.idAt);
      }
      let used = noneFlag;
      let body = data;
      if (method !== 'none' && data.length > 0 && !looksIncompressible(data)) {
        const compressed = compressors[method](data, item.options);
        if (compressed.length < data.length) {
          used = flag;
          body = compressed;
        }
      }
      item.aad[item.aad.length - 1] = used;
      if (body.length + NONCE + TAG > slot.length) throw new Error('seal slot too small');
      value.push({ flag: used, length: sealInto(key, body, item.aad, slot), slot: item.slot, id });
      transfer.push(item.slot);
    }
    return { value, transfer };
  };

  // An ArrayBuffer holding exactly these bytes: their own when they span it, else a copy.
  const ownBuffer = (bytes) => (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : new Uint8Array(bytes).buffer);

  const openAll = ({ key, macKey, idAt, bytes, aads, aadLength, blobs }) => {
    const outcomes = [];
    const buffers = [];
    const transfer = [];
    for (const [n, blob] of blobs.entries()) {
      const aad = aads.subarray(n * aadLength, (n + 1) * aadLength);
      const id = macKey === undefined ? undefined : aad.subarray(idAt, idAt + 32);
      const { outcome, plaintext } = openOne(key, macKey, bytes, blob, aad, id);
      const buffer = outcome.status === 'ok' && outcome.length === blob.rawLength ? ownBuffer(plaintext) : null;
      if (buffer) transfer.push(buffer);
      buffers.push(buffer);
      outcomes.push(outcome);
    }
    return { value: { buffers, blobs: outcomes }, transfer };
  };

  // Opens one blob: its outcome and, when it opened, its plaintext.
  const openOne = (key, macKey, bytes, blob, aad, id) => {
    const opened = open(key, bytes.subarray(blob.at, blob.at + blob.length), aad);
    if (opened.failed !== undefined) return { outcome: opened.failed === 'short' ? { status: 'auth', short: true } : { status: 'auth', message: opened.failed } };
    const body = opened.body;
    let plaintext = body;
    let consumed = body.length;
    if (blob.method !== 'none') {
      try {
        const inflated = inflaters[blob.method](body, blob.options);
        plaintext = inflated.buffer;
        consumed = inflated.engine.bytesWritten;
      } catch (error) {
        return { outcome: { status: 'inflate', message: String(error && error.message), code: error && typeof error.code === 'string' ? error.code : undefined } };
      }
    }
    const idOk = macKey === undefined || crypto.createHmac('sha256', macKey).update(plaintext).digest().equals(id);
    return { outcome: { status: 'ok', length: plaintext.length, bodyLength: body.length, consumed, idOk }, plaintext };
  };

  const sha256 = ({ bytes, length }) => {
    const hex = crypto.createHash('sha256').update(bytes.subarray(0, length)).digest('hex');
    return { value: { hex, bytes }, transfer: [bytes.buffer] };
  };

  return (body) => {
    if (body.op === 'seal') return sealAll(body);
    if (body.op === 'open') return openAll(body);
    if (body.op === 'sha256') return sha256(body);
    throw new Error('unknown blob kernel operation ' + String(body.op));
  };
})()`;
