/**
 * The narrow interface the engine wraps vault keys through. Implementations:
 * AWS KMS (`kms-key-provider.ts`) and a local key file for offline use
 * (`file-key-provider.ts`). Plaintext keys only ever live in memory.
 */

/** Non-secret key/value pairs bound to a wrapped key (KMS encryption context). */
export type EncryptionContext = Readonly<Record<string, string>>;

/** A fresh data key: its plaintext (in memory only) and its wrapped form (safe to store). */
export interface DataKey {
  plaintext: Uint8Array;
  wrapped: Uint8Array;
}

/** What the engine needs from a key-encryption service. */
export interface KeyProvider {
  /** A stable, non-secret reference recorded in the vault, e.g. `kms:arn:aws:kms:…` or `file:vault.key`. */
  readonly reference: string;
  /** Generates a new 32-byte data key wrapped under the provider's key, bound to the context. */
  generateDataKey(context: EncryptionContext): Promise<DataKey>;
  /** Unwraps a data key; throws `KeyAccessError` when the key or the context is wrong. */
  decryptDataKey(wrapped: Uint8Array, context: EncryptionContext): Promise<Uint8Array>;
}
