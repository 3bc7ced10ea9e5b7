/**
 * A `KeyProvider` over a local key file (see `key-file.ts`), for offline
 * tests and the bench. Each data key is 32 random bytes wrapped with
 * AES-256-GCM under the file's key, with the canonical JSON of the
 * encryption context as additional data, so a wrapped key only unwraps with
 * the same key file and the same context.
 *
 * Wrapped format (61 bytes):
 *
 * | bytes | content                                 |
 * |-------|-----------------------------------------|
 * | 1     | version, `0x01`                         |
 * | 12    | random nonce                            |
 * | 32    | ciphertext of the data key              |
 * | 16    | GCM tag                                 |
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { AuthenticationError, open, seal } from '../crypto/aead.js';
import { canonicalContext } from './encryption-context.js';
import { KeyAccessError } from './errors.js';
import { readKeyFile } from './key-file.js';
import type { DataKey, EncryptionContext, KeyProvider } from './key-provider.js';

export { createKeyFile } from './key-file.js';

/** Version byte of the wrapped format. */
export const WRAP_VERSION = 1;
const DATA_KEY_LENGTH = 32;
/** Length of a wrapped data key: version, nonce, ciphertext, tag. */
export const WRAPPED_LENGTH = 1 + 12 + DATA_KEY_LENGTH + 16;

/** Options of a `FileKeyProvider`. */
export interface FileKeyProviderOptions {
  /** The name recorded in vaults as `file:<name>` (default: the key file's base name). */
  name?: string;
}

/** A `KeyProvider` wrapping data keys under a local key file. */
export class FileKeyProvider implements KeyProvider {
  /**
   * `file:` and the key file's name (its base name unless `options.name`
   * says otherwise): it tells the operator which key file a vault key needs,
   * and tells rotated key files apart, without recording a machine-specific
   * path or anything derived from the key.
   */
  readonly reference: string;
  private key: Promise<Uint8Array> | undefined;

  /**
   * @param path - the key file; read on first use, so a missing file surfaces as `KeyNotFoundError` then
   */
  constructor(
    readonly path: string,
    options: FileKeyProviderOptions = {},
  ) {
    this.reference = `file:${options.name ?? basename(path)}`;
  }

  /**
   * Generates a fresh 32-byte data key wrapped under the key file, bound to `context`.
   * @throws KeyNotFoundError when the key file is missing; KeyAccessError when it is unreadable
   */
  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    const fileKey = await this.fileKey();
    const plaintext = new Uint8Array(randomBytes(DATA_KEY_LENGTH));
    const sealed = seal(fileKey, plaintext, canonicalContext(context));
    const wrapped = new Uint8Array(1 + sealed.length);
    wrapped[0] = WRAP_VERSION;
    wrapped.set(sealed, 1);
    return { plaintext, wrapped };
  }

  /**
   * Unwraps a data key made by `generateDataKey` with the same key file and context.
   * @throws KeyAccessError when the key file or the context is wrong, or the
   *   bytes are not a wrapped key; KeyNotFoundError when the key file is missing
   */
  async decryptDataKey(wrapped: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    if (wrapped.length !== WRAPPED_LENGTH || wrapped[0] !== WRAP_VERSION) {
      throw new KeyAccessError(
        `not a data key wrapped by a key file (expected ${WRAPPED_LENGTH} bytes starting with version ${WRAP_VERSION}, got ${wrapped.length} bytes)`,
      );
    }
    const fileKey = await this.fileKey();
    try {
      const opened = open(fileKey, wrapped.subarray(1), canonicalContext(context));
      const plaintext = new Uint8Array(opened);
      opened.fill(0);
      return plaintext;
    } catch (error) {
      if (error instanceof AuthenticationError) {
        throw new KeyAccessError(`cannot unwrap data key with key file ${this.path}: wrong key or encryption context`, { cause: error });
      }
      throw error;
    }
  }

  private fileKey(): Promise<Uint8Array> {
    this.key ??= readKeyFile(this.path).catch((error: unknown) => {
      this.key = undefined;
      throw error;
    });
    return this.key;
  }
}
