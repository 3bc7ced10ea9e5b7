/**
 * Verification levels, cheapest first. `quick` reads no pack data;
 * `sample` reads a rotating share of the packs; `checksum` reads every
 * referenced pack; `test_restore` does what `checksum` does and restores
 * the backup into a scratch table or prefix.
 */
import { InvalidVerificationError } from './errors.js';

/** The levels. */
export const VerificationLevel = {
  Quick: 'quick',
  Sample: 'sample',
  Checksum: 'checksum',
  TestRestore: 'test_restore',
} as const;
/** One of {@link VerificationLevel}. */
export type VerificationLevel = (typeof VerificationLevel)[keyof typeof VerificationLevel];

const LEVELS: readonly string[] = Object.values(VerificationLevel);

/**
 * @param value - anything
 * @returns whether it names a level
 */
export function isVerificationLevel(value: unknown): value is VerificationLevel {
  return typeof value === 'string' && LEVELS.includes(value);
}

/**
 * @param level - a level
 * @returns whether runs at this level download and authenticate pack data
 */
export function readsPackData(level: VerificationLevel): boolean {
  return level !== VerificationLevel.Quick;
}

/**
 * The level a seed-style request body asks for (`POST /backup/backups/{id}/verify`):
 * `level`, or a `verification_type` naming a level, or `full` / anything else
 * read from the flags (`test_restore` → test_restore, `checksum_verification`
 * not false → checksum, else quick).
 *
 * @param body - the request body
 * @returns the level
 * @throws InvalidVerificationError when `level` is given and is not a level
 */
export function levelOfRequest(body: { level?: unknown; verification_type?: unknown; checksum_verification?: unknown; test_restore?: unknown }): VerificationLevel {
  if (body.level !== undefined) {
    if (!isVerificationLevel(body.level)) throw new InvalidVerificationError(`level must be one of ${LEVELS.join(', ')}, not ${JSON.stringify(body.level)}`);
    return body.level;
  }
  if (isVerificationLevel(body.verification_type)) return body.verification_type;
  if (body.test_restore === true) return VerificationLevel.TestRestore;
  return body.checksum_verification === false ? VerificationLevel.Quick : VerificationLevel.Checksum;
}
