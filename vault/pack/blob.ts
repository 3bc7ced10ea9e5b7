/**
 * Blobs: one encrypted chunk inside a pack.
 *
 * Stored bytes: nonce (12) ‖ AES-256-GCM ciphertext of the (maybe compressed)
 * chunk ‖ tag (16). The additional data is
 * `"HVNB" ‖ chunk id (32) ‖ key id (16) ‖ compression (1)`, so a blob moved to
 * another place, relabelled or re-flagged fails authentication.
 */
import { open, seal } from '../crypto/aead.js';
import type { SealingKey } from '../format/sealed-object.js';

const BLOB_MAGIC = Buffer.from('HVNB', 'ascii');

/** Offset of the chunk id in a blob's additional data. */
export const BLOB_AAD_ID_OFFSET = 4;

/** Bytes of a blob's additional data. */
export const BLOB_AAD_LENGTH = 4 + 32 + 16 + 1;

/** The additional data that binds a blob to its id, key and compression (the compression byte last). */
export function blobAad(chunkId: Uint8Array, keyId: Uint8Array, compression: number): Buffer {
  const aad = Buffer.alloc(BLOB_AAD_LENGTH);
  writeBlobAad(aad, 0, chunkId, keyId, compression);
  return aad;
}

/**
 * Writes a blob's additional data into `out` at `at` (`BLOB_AAD_LENGTH`
 * bytes), e.g. the additional data of many blobs side by side in one buffer.
 * @param chunkId - the id's 32 bytes, or its 64 hex digits (as `Buffer.from(hex, 'hex')`
 *   reads them: what is not hex is left zero, so such a blob fails authentication)
 */
export function writeBlobAad(out: Buffer, at: number, chunkId: Uint8Array | string, keyId: Uint8Array, compression: number): void {
  BLOB_MAGIC.copy(out, at);
  if (typeof chunkId === 'string') {
    const written = out.write(chunkId, at + BLOB_AAD_ID_OFFSET, 32, 'hex');
    out.fill(0, at + BLOB_AAD_ID_OFFSET + written, at + BLOB_AAD_ID_OFFSET + 32);
  } else out.set(chunkId, at + BLOB_AAD_ID_OFFSET);
  out.set(keyId, at + 36);
  out[at + 52] = compression;
}

/** Encrypts a (compressed) chunk into its stored blob form. */
export function sealBlob(key: SealingKey, chunkId: Uint8Array, compression: number, data: Uint8Array): Uint8Array {
  return seal(key.key, data, blobAad(chunkId, key.id, compression));
}

/**
 * Authenticates and decrypts a stored blob.
 * @throws AuthenticationError when any byte, the id, the key or the flag is wrong
 */
export function openBlob(key: SealingKey, chunkId: Uint8Array, compression: number, stored: Uint8Array): Uint8Array {
  return open(key.key, stored, blobAad(chunkId, key.id, compression));
}
