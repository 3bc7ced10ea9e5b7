/** Hashes the vault format uses: SHA-256 for object names, HMAC-SHA256 for chunk ids. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** SHA-256 of the bytes, as lowercase hex. */
export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Chunk id: HMAC-SHA256(mac key, plaintext chunk), 32 bytes. */
export function chunkId(macKey: Uint8Array, plaintext: Uint8Array): Buffer {
  return createHmac('sha256', macKey).update(plaintext).digest();
}

/** Constant-time comparison of two byte strings. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
