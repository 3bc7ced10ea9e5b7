/**
 * Reads blobs back: ranged reads of packs, then authenticate, decrypt,
 * decompress and check the chunk id. A blob that fails at one location is
 * tried at its other locations before the read fails.
 */
import { decompressChunk } from '../compression/compress.js';
import { AuthenticationError } from '../crypto/aead.js';
import { chunkId } from '../crypto/hash.js';
import { CorruptedBackupError } from '../format/errors.js';
import type { MasterIndex } from '../index/master-index.js';
import type { BlobLocation } from '../index/types.js';
import { openBlob } from '../pack/blob.js';
import { packKey } from '../pack/pack-builder.js';
import { ObjectNotFoundError } from '../storage/errors.js';
import type { Vault } from '../vault/vault.js';

/** Decrypts, decompresses and verifies one stored blob already read from its pack. */
export async function decodeBlob(vault: Vault, location: BlobLocation, stored: Uint8Array): Promise<Uint8Array> {
  const { pack, blob } = location;
  const where = { pack: pack.id, blob: blob.id };
  if (stored.length !== blob.length) {
    throw new CorruptedBackupError(`blob ${blob.id} in pack ${pack.id} is truncated (${stored.length} of ${blob.length} bytes)`, where);
  }
  const id = Buffer.from(blob.id, 'hex');
  let compressed: Uint8Array;
  try {
    compressed = openBlob(vault.keyring.get(pack.keyId), id, blob.compression, stored);
  } catch (error) {
    if (error instanceof AuthenticationError) {
      throw new CorruptedBackupError(`blob ${blob.id} in pack ${pack.id} failed authentication`, where, { cause: error });
    }
    throw error;
  }
  let plaintext: Uint8Array;
  try {
    plaintext = await decompressChunk(compressed, blob.compression, blob.rawLength);
  } catch (error) {
    throw new CorruptedBackupError(`blob ${blob.id} in pack ${pack.id} does not decompress`, where, { cause: error });
  }
  if (plaintext.length !== blob.rawLength || !chunkId(vault.keyring.secrets.macKey, plaintext).equals(id)) {
    throw new CorruptedBackupError(`blob ${blob.id} in pack ${pack.id} does not match its id`, where);
  }
  return plaintext;
}

/** Reads one blob from one location. */
export async function readBlobAt(vault: Vault, location: BlobLocation): Promise<Uint8Array> {
  const { pack, blob } = location;
  let stored: Uint8Array;
  try {
    stored = await vault.store.get(packKey(pack.id), { start: blob.offset, end: blob.offset + blob.length });
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      throw new CorruptedBackupError(`pack ${pack.id} holding blob ${blob.id} is missing`, { pack: pack.id, blob: blob.id }, { cause: error });
    }
    throw error;
  }
  return decodeBlob(vault, location, stored);
}

/**
 * Reads a blob from any location that yields authentic bytes.
 * @param skip - a location already tried
 * @throws CorruptedBackupError naming the first failing pack when no location works
 */
export async function readBlobAnywhere(vault: Vault, index: MasterIndex, blobId: string, skip?: BlobLocation, firstError?: unknown): Promise<Uint8Array> {
  let failure = firstError;
  for (const location of index.locate(blobId)) {
    if (skip && location.pack.id === skip.pack.id && location.blob.offset === skip.blob.offset) continue;
    try {
      return await readBlobAt(vault, location);
    } catch (error) {
      if (!(error instanceof CorruptedBackupError)) throw error;
      failure ??= error;
    }
  }
  if (failure instanceof CorruptedBackupError) throw failure;
  throw new CorruptedBackupError(`blob ${blobId} is in no index: its pack was lost or the index is damaged`, { blob: blobId }, failure ? { cause: failure } : undefined);
}
