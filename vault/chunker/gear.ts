/**
 * The per-vault gear table of the content-defined chunker.
 *
 * Chunk boundaries depend on the gear table. A fixed public table (as in the
 * FastCDC paper) would let anyone who sees chunk sizes test whether a vault
 * holds a known file; deriving the table from a per-vault secret means the
 * boundaries of the same content differ between vaults.
 *
 * Derivation (part of the vault format, version `haven-gear-v1`):
 *
 *     for c in 0..31:
 *       block_c = HMAC-SHA256(key = secret,
 *                             msg = ASCII("haven-gear-v1") || uint32_be(c))
 *       for j in 0..7:
 *         gear[8*c + j] = uint32_be(block_c[4*j .. 4*j + 4])
 *
 * `secret` is exactly 32 bytes. The message is the 13 ASCII bytes
 * `haven-gear-v1` (no terminator) followed by the 4-byte big-endian counter,
 * 17 bytes in all. The 32 HMAC outputs are 1024 bytes, read as 256 unsigned
 * 32-bit big-endian integers in order: gear[0] is bytes 0..3 of block_0,
 * gear[8] is bytes 0..3 of block_1, gear[255] is bytes 28..31 of block_31.
 */
import { createHmac } from 'node:crypto';
import { InvalidChunkerParamsError } from './errors.js';

/** Length in bytes of the per-vault gear secret. */
export const GEAR_SECRET_LENGTH = 32;

/** Domain-separation label of the gear derivation (ASCII, hashed before the counter). */
export const GEAR_LABEL = 'haven-gear-v1';

/** Number of entries of a gear table: one per byte value. */
export const GEAR_TABLE_SIZE = 256;

/**
 * Derives the 256-entry gear table from a 32-byte per-vault secret, exactly
 * as described in this module's header. Deterministic: the same secret
 * always yields the same table.
 *
 * @throws InvalidChunkerParamsError when `secret` is not 32 bytes.
 */
export function gearTable(secret: Uint8Array): Uint32Array {
  if (secret.length !== GEAR_SECRET_LENGTH) {
    throw new InvalidChunkerParamsError(`gear secret must be ${GEAR_SECRET_LENGTH} bytes, got ${secret.length}`);
  }
  const label = Buffer.from(GEAR_LABEL, 'ascii');
  const table = new Uint32Array(GEAR_TABLE_SIZE);
  const message = Buffer.alloc(label.length + 4);
  label.copy(message, 0);
  for (let counter = 0; counter < GEAR_TABLE_SIZE / 8; counter++) {
    message.writeUInt32BE(counter, label.length);
    const block = createHmac('sha256', secret).update(message).digest();
    for (let j = 0; j < 8; j++) table[counter * 8 + j] = block.readUInt32BE(4 * j);
  }
  return table;
}
