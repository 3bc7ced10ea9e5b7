/**
 * Reads blobs back: ranged reads of packs, then authenticate, decrypt,
 * decompress and (unless told not to) recompute the chunk id. A blob that fails at one location is
 * tried at its other locations before the read fails. A whole ranged read
 * is decoded on a blob worker (`pack/blob-workers.ts`) when one runs; the
 * errors are the same either way.
 */
import { checkInflated, decompressChunk, inflateError, inflateMethod, inflateOptions, type InflateMethod } from '../compression/compress.js';
import { DecompressionError } from '../compression/errors.js';
import { AuthenticationError } from '../crypto/aead.js';
import { chunkId } from '../crypto/hash.js';
import { CorruptedBackupError } from '../format/errors.js';
import type { SealingKey } from '../format/sealed-object.js';
import type { MasterIndex } from '../index/master-index.js';
import type { BlobLocation } from '../index/types.js';
import { BLOB_AAD_LENGTH, openBlob, writeBlobAad } from '../pack/blob.js';
import type { OpenOutcome, OpenResult } from '../pack/blob-kernel.js';
import { openOnWorkers, type BlobToOpen } from '../pack/blob-workers.js';
import { packKey } from '../pack/pack-builder.js';
import { ObjectNotFoundError } from '../storage/errors.js';
import { WorkerPoolError } from '../util/worker-errors.js';
import type { Vault } from '../repository/vault.js';

/** The errors a damaged blob raises, one message per failing check. */
const blobErrors = {
  truncated: (location: BlobLocation, length: number) =>
    new CorruptedBackupError(`blob ${location.blob.id} in pack ${location.pack.id} is truncated (${length} of ${location.blob.length} bytes)`, where(location)),
  authentication: (location: BlobLocation, cause: unknown) =>
    new CorruptedBackupError(`blob ${location.blob.id} in pack ${location.pack.id} failed authentication`, where(location), { cause }),
  decompression: (location: BlobLocation, cause: unknown) =>
    new CorruptedBackupError(`blob ${location.blob.id} in pack ${location.pack.id} does not decompress`, where(location), { cause }),
  id: (location: BlobLocation) => new CorruptedBackupError(`blob ${location.blob.id} in pack ${location.pack.id} does not match its id`, where(location)),
} as const;

function where(location: BlobLocation): { pack: string; blob: string } {
  return { pack: location.pack.id, blob: location.blob.id };
}

/**
 * Which checks a blob gets beyond authentication (AES-GCM, whose additional
 * data binds the chunk id, key id and compression flag) and its exact
 * plaintext length, which every read makes.
 */
export interface BlobChecks {
  /**
   * Recompute the chunk id (HMAC-SHA256 of the plaintext) and compare it with
   * the id asked for. It catches a writer that sealed the wrong chunk under
   * an id, which authentication cannot (FORMAT.md §12); `check --read-data`
   * does it, a restore leaves it to the partition's SHA-256.
   */
  chunkIds: boolean;
}

/** Every check: what a blob read on its own (`vault check --read-data`) gets. */
export const ALL_BLOB_CHECKS: BlobChecks = { chunkIds: true };

/** Decrypts, decompresses and verifies one stored blob already read from its pack. */
export async function decodeBlob(vault: Vault, location: BlobLocation, stored: Uint8Array, checks: BlobChecks = ALL_BLOB_CHECKS): Promise<Uint8Array> {
  const { pack, blob } = location;
  if (stored.length !== blob.length) throw blobErrors.truncated(location, stored.length);
  const id = Buffer.from(blob.id, 'hex');
  let compressed: Uint8Array;
  try {
    compressed = openBlob(vault.keyring.get(pack.keyId), id, blob.compression, stored);
  } catch (error) {
    if (error instanceof AuthenticationError) throw blobErrors.authentication(location, error);
    throw error;
  }
  let plaintext: Uint8Array;
  try {
    plaintext = await decompressChunk(compressed, blob.compression, blob.rawLength);
  } catch (error) {
    throw blobErrors.decompression(location, error);
  }
  if (plaintext.length !== blob.rawLength || (checks.chunkIds && !chunkId(vault.keyring.secrets.macKey, plaintext).equals(id))) throw blobErrors.id(location);
  return plaintext;
}

/** A blob's plaintext, or the `CorruptedBackupError` that `decodeBlob` raises for it. */
export type DecodedBlob = Uint8Array | CorruptedBackupError;

/**
 * Decodes the blobs of one ranged read of a pack, with the same checks and
 * errors as {@link decodeBlob}, on worker threads when they run (else on
 * this thread). `bytes` may be moved to a worker: the caller must not use
 * it afterwards.
 * @param locations - blobs of one pack, each wholly or partly inside the read
 * @param start - pack offset of `bytes[0]`
 * @returns per location its plaintext or its `CorruptedBackupError`
 * @throws anything but a `CorruptedBackupError` (an unknown key, a storage failure…)
 */
export async function decodeBlobs(vault: Vault, locations: readonly BlobLocation[], bytes: Uint8Array, start: number, checks: BlobChecks = ALL_BLOB_CHECKS): Promise<DecodedBlob[]> {
  const results = new Array<DecodedBlob | undefined>(locations.length);
  const onWorker: Array<{ index: number; location: BlobLocation; item: BlobToOpen }> = [];
  let key: SealingKey | undefined;
  for (const [index, location] of locations.entries()) {
    const { blob } = location;
    const at = blob.offset - start;
    const stored = bytes.subarray(at, at + blob.length);
    let method: InflateMethod | undefined;
    try {
      method = inflateMethod(blob.compression, blob.rawLength);
    } catch {
      method = undefined; // an odd blob: decodeBlob below raises its exact error
    }
    if (stored.length !== blob.length || method === undefined) {
      results[index] = await settle(decodeBlob(vault, location, stored, checks)); // before the bytes may move
      continue;
    }
    key ??= vault.keyring.get(location.pack.keyId);
    onWorker.push({
      index,
      location,
      item: { at, length: blob.length, rawLength: blob.rawLength, method, options: method === 'none' ? undefined : inflateOptions(blob.rawLength) },
    });
  }
  if (key && onWorker.length > 0) {
    // The additional data of every blob in one buffer of its own, moved to the worker with the read.
    const aads = Buffer.allocUnsafeSlow(onWorker.length * BLOB_AAD_LENGTH);
    for (const [n, { location }] of onWorker.entries()) writeBlobAad(aads, n * BLOB_AAD_LENGTH, location.blob.id, key.id, location.blob.compression);
    let opened: OpenResult | undefined;
    let moved: boolean;
    try {
      opened = await openOnWorkers(key, checks.chunkIds ? vault.keyring.secrets.macKey : undefined, bytes, aads, onWorker.map((w) => w.item));
      moved = opened !== undefined;
    } catch (error) {
      if (!(error instanceof WorkerPoolError)) throw error;
      moved = true; // the worker stopped with the bytes: read them again below
    }
    const pending: Array<Promise<void>> = [];
    for (const [n, { index, location, item }] of onWorker.entries()) {
      const outcome = opened?.blobs[n];
      if (opened && outcome) results[index] = fromOutcome(location, item.method, outcome, opened.buffers[n] ?? null);
      else {
        // No worker ran (decode here, all at once as before workers) or one stopped holding the bytes (read again).
        const at = location.blob.offset - start;
        const decoding = moved ? readBlobAt(vault, location, checks) : decodeBlob(vault, location, bytes.subarray(at, at + location.blob.length), checks);
        pending.push(settle(decoding).then((result) => void (results[index] = result)));
      }
    }
    await Promise.all(pending);
  }
  return results as DecodedBlob[];
}

/** The plaintext, or the `CorruptedBackupError` a decode raised (other errors propagate). */
async function settle(decoding: Promise<Uint8Array>): Promise<DecodedBlob> {
  try {
    return await decoding;
  } catch (error) {
    if (error instanceof CorruptedBackupError) return error;
    throw error;
  }
}

/** Applies `decodeBlob`'s checks and errors to what the blob kernel reported. */
function fromOutcome(location: BlobLocation, method: InflateMethod, outcome: OpenOutcome, buffer: ArrayBuffer | null): DecodedBlob {
  const { blob } = location;
  switch (outcome.status) {
    case 'auth':
      // As crypto/aead.ts open() raises them.
      return blobErrors.authentication(
        location,
        outcome.short
          ? new AuthenticationError('sealed message is shorter than its overhead')
          : new AuthenticationError('authentication failed', { cause: new Error(outcome.message) }),
      );
    case 'inflate': {
      const zlibError = Object.assign(new Error(outcome.message), outcome.code ? { code: outcome.code } : {});
      return blobErrors.decompression(location, inflateError(method === 'gzip' ? 'gzip' : 'zstd', zlibError));
    }
    case 'ok':
      try {
        checkInflated(outcome.length, outcome.consumed, outcome.bodyLength, blob.rawLength);
      } catch (error) {
        if (error instanceof DecompressionError) return blobErrors.decompression(location, error);
        throw error;
      }
      return outcome.idOk && buffer?.byteLength === blob.rawLength ? new Uint8Array(buffer) : blobErrors.id(location);
  }
}

/** Reads one blob from one location. */
export async function readBlobAt(vault: Vault, location: BlobLocation, checks: BlobChecks = ALL_BLOB_CHECKS): Promise<Uint8Array> {
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
  return decodeBlob(vault, location, stored, checks);
}

/** Where {@link readBlobAnywhere} already looked, and the checks it makes. */
export interface ReadAnywhereOptions {
  /** A location already tried. */
  skip?: BlobLocation;
  /** What that location failed with. */
  firstError?: unknown;
  checks?: BlobChecks;
}

/**
 * Reads a blob from any location that yields authentic bytes.
 * @throws CorruptedBackupError naming the first failing pack when no location works
 */
export async function readBlobAnywhere(vault: Vault, index: MasterIndex, blobId: string, options: ReadAnywhereOptions = {}): Promise<Uint8Array> {
  const { skip, firstError, checks = ALL_BLOB_CHECKS } = options;
  let failure = firstError;
  for (const location of index.locate(blobId)) {
    if (skip && location.pack.id === skip.pack.id && location.blob.offset === skip.blob.offset) continue;
    try {
      return await readBlobAt(vault, location, checks);
    } catch (error) {
      if (!(error instanceof CorruptedBackupError)) throw error;
      failure ??= error;
    }
  }
  if (failure instanceof CorruptedBackupError) throw failure;
  throw new CorruptedBackupError(`blob ${blobId} is in no index: its pack was lost or the index is damaged`, { blob: blobId }, failure ? { cause: failure } : undefined);
}
