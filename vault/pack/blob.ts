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

/** The additional data that binds a blob to its id, key and compression (the compression byte last). */
export function blobAad(chunkId: Uint8Array, keyId: Uint8Array, compression: number): Buffer {
  const aad = Buffer.alloc(4 + 32 + 16 + 1);
  BLOB_MAGIC.copy(aad, 0);
  aad.set(chunkId, BLOB_AAD_ID_OFFSET);
  aad.set(keyId, 36);
  aad[52] = compression;
  return aad;
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
