/**
 * Wraps data keys with AWS KMS: `GenerateDataKey` (AES_256) and `Decrypt`,
 * both bound to the encryption context, which KMS also records in CloudTrail.
 * The wrapped form is KMS's ciphertext blob, stored as is.
 */
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { kmsClient } from '../aws/clients.js';
import { KeyAccessError } from './errors.js';
import type { DataKey, EncryptionContext, KeyProvider } from './key-provider.js';
import { mapKmsError } from './kms-errors.js';

/** Bytes of a data key (AES-256). */
const DATA_KEY_LENGTH = 32;

/** Options of a `KmsKeyProvider`. */
export interface KmsKeyProviderOptions {
  /** The client to use; by default the shared one from `kmsClient()`. */
  client?: KMSClient;
}

/**
 * The region a KMS key or alias ARN names, or undefined for a key id or
 * alias name (which mean the client's own region).
 *
 * @param keyId - key id, `alias/…`, key ARN or alias ARN
 */
export function kmsArnRegion(keyId: string): string | undefined {
  return /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(keyId)?.[1];
}

/** A `KeyProvider` backed by one KMS key. */
export class KmsKeyProvider implements KeyProvider {
  /** `kms:` followed by the key as given (id, alias or ARN). */
  readonly reference: string;
  private readonly client: KMSClient;

  /**
   * @param keyId - key id, `alias/…`, key ARN or alias ARN; `Decrypt` passes
   *   it as `KeyId`, so a blob wrapped under another key is refused
   */
  constructor(
    readonly keyId: string,
    options: KmsKeyProviderOptions = {},
  ) {
    this.reference = `kms:${keyId}`;
    // A key ARN names its region: a vault in another region (a copy vault) opens without AWS_REGION set to it.
    const region = kmsArnRegion(keyId);
    this.client = options.client ?? kmsClient(region ? { region } : {});
  }

  /**
   * Generates a fresh 32-byte data key, wrapped under the KMS key and bound to `context`.
   * @throws KeyNotFoundError, KeyAccessError or KeyServiceUnavailableError (see `kms-errors.ts`)
   */
  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    let out;
    try {
      out = await this.client.send(
        new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: { ...context } }),
      );
    } catch (error) {
      throw mapKmsError(error, this.keyId, 'GenerateDataKey');
    }
    if (out.Plaintext?.length !== DATA_KEY_LENGTH || !out.CiphertextBlob?.length) {
      throw new KeyAccessError(`KMS GenerateDataKey with key ${this.keyId}: malformed response`);
    }
    return { plaintext: out.Plaintext, wrapped: out.CiphertextBlob };
  }

  /**
   * Unwraps a data key made by `generateDataKey` with the same context.
   * @throws KeyAccessError when the key or the context is wrong, KeyNotFoundError
   *   when the key does not exist, KeyServiceUnavailableError when KMS cannot be reached
   */
  async decryptDataKey(wrapped: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    let out;
    try {
      out = await this.client.send(
        new DecryptCommand({ CiphertextBlob: wrapped, KeyId: this.keyId, EncryptionContext: { ...context } }),
      );
    } catch (error) {
      throw mapKmsError(error, this.keyId, 'Decrypt');
    }
    if (out.Plaintext?.length !== DATA_KEY_LENGTH) {
      throw new KeyAccessError(`KMS Decrypt with key ${this.keyId}: the wrapped key is not a ${DATA_KEY_LENGTH}-byte data key`);
    }
    return out.Plaintext;
  }
}
