/**
 * AES-256-GCM with a fresh random 96-bit nonce per message.
 * Sealed layout: nonce (12) ‖ ciphertext ‖ tag (16).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Nonce length in bytes (96 bits). */
export const NONCE_LENGTH = 12;
/** GCM tag length in bytes. */
export const TAG_LENGTH = 16;
/** Bytes a sealed message adds to its plaintext. */
export const SEAL_OVERHEAD = NONCE_LENGTH + TAG_LENGTH;

/** Authentication failed: wrong key, wrong additional data, or altered bytes. */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
}

/**
 * Encrypts and authenticates `plaintext`, binding `aad`.
 * @returns nonce ‖ ciphertext ‖ tag
 */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const out = new Uint8Array(plaintext.length + SEAL_OVERHEAD);
  out.set(nonce, 0);
  let offset = NONCE_LENGTH;
  const body = cipher.update(plaintext);
  out.set(body, offset);
  offset += body.length;
  const tail = cipher.final();
  out.set(tail, offset);
  offset += tail.length;
  out.set(cipher.getAuthTag(), offset);
  return out;
}

/**
 * Verifies and decrypts a sealed message.
 * @throws AuthenticationError when the key, the additional data or any byte is wrong
 */
export function open(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  if (sealed.length < SEAL_OVERHEAD) throw new AuthenticationError('sealed message is shorter than its overhead');
  const nonce = sealed.subarray(0, NONCE_LENGTH);
  const tag = sealed.subarray(sealed.length - TAG_LENGTH);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const body = decipher.update(sealed.subarray(NONCE_LENGTH, sealed.length - TAG_LENGTH));
  try {
    const tail = decipher.final();
    return tail.length === 0 ? body : Buffer.concat([body, tail]);
  } catch (error) {
    throw new AuthenticationError('authentication failed', { cause: error });
  }
}
