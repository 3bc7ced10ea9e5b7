/**
 * Sealed objects: the envelope of every encrypted vault object that is not a
 * blob (key secrets, index files, snapshots, pack headers, blob lists).
 *
 * ```
 * offset  size  field
 * 0       4     magic "HVN1"
 * 4       1     object type (ObjectType)
 * 5       1     payload compression (0 none, 1 zstd)
 * 6       16    key id
 * 22      12    nonce
 * 34      n     ciphertext
 * 34+n    16    GCM tag
 * ```
 * The additional data is bytes 0..22, so type, compression and key id are
 * authenticated and cannot be swapped.
 */
import { promisify } from 'node:util';
import { zstdCompress, zstdDecompress } from 'node:zlib';
import { AuthenticationError, open, seal } from '../crypto/aead.js';
import { CorruptedBackupError, VaultFormatError } from './errors.js';

const MAGIC = Buffer.from('HVN1', 'ascii');
/** Length of the plaintext header (and additional data) of a sealed object. */
export const SEALED_HEADER_LENGTH = 22;
/** Length of a key id in bytes. */
export const KEY_ID_LENGTH = 16;

/** Object types carried in byte 4. */
export const ObjectType = {
  KeySecrets: 1,
  Index: 2,
  Snapshot: 3,
  PackHeader: 4,
  Staged: 5,
  BlobList: 6,
} as const;
export type ObjectType = (typeof ObjectType)[keyof typeof ObjectType];

const PayloadCompression = { None: 0, Zstd: 1 } as const;
const MAX_PAYLOAD = 1 << 30;
const zstdCompressAsync = promisify(zstdCompress);
const zstdDecompressAsync = promisify(zstdDecompress);

/** A key that seals objects: its 16-byte id and 32-byte AES key. */
export interface SealingKey {
  id: Uint8Array;
  key: Uint8Array;
}

function header(type: ObjectType, compression: number, keyId: Uint8Array): Buffer {
  const out = Buffer.alloc(SEALED_HEADER_LENGTH);
  MAGIC.copy(out, 0);
  out[4] = type;
  out[5] = compression;
  out.set(keyId, 6);
  return out;
}

/**
 * Seals a payload as an object of the given type.
 * @param compress - zstd-compress the payload first (for JSON payloads)
 */
export async function sealObject(type: ObjectType, payload: Uint8Array, key: SealingKey, compress = false): Promise<Uint8Array> {
  const body = compress ? await zstdCompressAsync(payload) : payload;
  const head = header(type, compress ? PayloadCompression.Zstd : PayloadCompression.None, key.id);
  return Buffer.concat([head, seal(key.key, body, head)]);
}

/** Reads the key id and type of a sealed object without decrypting it. */
export function peekSealedObject(bytes: Uint8Array, name: string): { type: number; keyId: Buffer } {
  if (bytes.length < SEALED_HEADER_LENGTH + 28 || !Buffer.from(bytes.subarray(0, 4)).equals(MAGIC)) {
    throw new CorruptedBackupError(`${name} is not a sealed Haven object (bad magic or too short)`, { object: name });
  }
  return { type: bytes[4] ?? 0, keyId: Buffer.from(bytes.subarray(6, 6 + KEY_ID_LENGTH)) };
}

/**
 * Authenticates and decrypts a sealed object of the expected type.
 * @param resolveKey - returns the 32-byte key for a key id (throws when unknown)
 * @throws CorruptedBackupError when the bytes were altered, VaultFormatError on an unknown layout
 */
export async function openObject(
  bytes: Uint8Array,
  expected: ObjectType,
  resolveKey: (keyId: Buffer) => Uint8Array,
  name: string,
): Promise<Uint8Array> {
  const { type, keyId } = peekSealedObject(bytes, name);
  if (type !== expected) throw new CorruptedBackupError(`${name} has object type ${type}, expected ${expected}`, { object: name });
  const compression = bytes[5];
  if (compression !== PayloadCompression.None && compression !== PayloadCompression.Zstd) {
    throw new VaultFormatError(`${name} uses unknown payload compression ${compression}`);
  }
  const head = bytes.subarray(0, SEALED_HEADER_LENGTH);
  let body: Uint8Array;
  try {
    body = open(resolveKey(keyId), bytes.subarray(SEALED_HEADER_LENGTH), head);
  } catch (error) {
    if (error instanceof AuthenticationError) {
      throw new CorruptedBackupError(`${name} failed authentication: it was altered or sealed with another key`, { object: name }, { cause: error });
    }
    throw error;
  }
  if (compression === PayloadCompression.None) return body;
  try {
    return await zstdDecompressAsync(body, { maxOutputLength: MAX_PAYLOAD });
  } catch (error) {
    throw new CorruptedBackupError(`${name} payload does not decompress`, { object: name }, { cause: error });
  }
}
