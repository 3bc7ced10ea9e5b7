/**
 * The KMS key id inside a moto ciphertext blob. Decrypt may omit KeyId for
 * symmetric keys; AWS then reads the key from the ciphertext's metadata.
 * moto's blob is its own simple format (moto/kms/utils.py,
 * `_serialize_ciphertext_blob`): the key id as 36 UTF-8 bytes, then a 12-byte
 * IV, a 16-byte tag and the ciphertext. Real KMS ciphertext is different, so
 * this only holds against moto.
 */

/** Length of the key id (a UUID) at the start of a moto ciphertext blob. */
const KEY_ID_LENGTH = 36;
/** Key id + IV (12) + tag (16): anything shorter is not a moto blob. */
const HEADER_LENGTH = KEY_ID_LENGTH + 12 + 16;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The key id of a base64 moto ciphertext blob, or undefined when it is not one. */
export function motoCiphertextKeyId(base64Blob: string): string | undefined {
  const blob = Buffer.from(base64Blob, 'base64');
  if (blob.length < HEADER_LENGTH) return undefined;
  const keyId = blob.subarray(0, KEY_ID_LENGTH).toString('utf8');
  return UUID.test(keyId) ? keyId : undefined;
}
