/** Verifications (`POST /backup/backups/{backup_id}/verify`, `GET /backup/verifications/{verification_id}`). */
import { z } from 'zod';
import { VerificationLevel } from '../../verification/levels.js';
import { Actor, idOf, JsonObject, ProgressFields, Timestamp } from './common.js';

/** A verification id. */
export const VerificationId = idOf('verify');

const LEVELS = Object.values(VerificationLevel) as [VerificationLevel, ...VerificationLevel[]];

/**
 * `POST /backup/backups/{backup_id}/verify` body: the seed's fields
 * (`verification_type`, `checksum_verification`, `test_restore`…) or a
 * `level`; `sample_percent` or `sample_bytes` with the `sample` level.
 */
export const VerifyBackupBody = z.strictObject({
  level: z.enum(LEVELS).optional().meta({ description: 'quick, sample, checksum or test_restore; wins over the seed fields' }),
  verification_type: z.string().max(50).optional().meta({ description: 'A level name, or `full` (read from the flags below)' }),
  checksum_verification: z.boolean().optional().meta({ description: 'false (without test_restore) means the quick level' }),
  integrity_check: z.boolean().optional(),
  test_restore: z.boolean().optional().meta({ description: 'true means the test_restore level' }),
  test_restore_options: JsonObject.nullable().optional().meta({ description: 'Kept on the record; the scratch target is always Haven\'s own' }),
  sample_percent: z.number().optional().meta({ description: 'sample level: share of the packs to read, above 0 and at most 100' }),
  sample_bytes: z.number().optional().meta({ description: 'sample level: bytes of packs to read (instead of sample_percent)' }),
  requested_by: Actor.optional(),
});
/** What the verify route takes. */
export type VerifyBackupBody = z.output<typeof VerifyBackupBody>;

/** A verification (seed 001 fields plus the level and sample settings). */
export const VerificationSchema = z
  .object({
    verification_id: z.string(),
    backup_id: z.string(),
    verification_type: z.string(),
    level: z.string().nullable(),
    ...ProgressFields,
    started_at: Timestamp,
    estimated_completion: Timestamp.nullable(),
    duration: z.number().nullable(),
    checksum_verification: z.boolean(),
    integrity_check: z.boolean(),
    test_restore: z.boolean(),
    test_restore_options: JsonObject.nullable(),
    sample_percent: z.number().nullable(),
    sample_bytes: z.number().nullable(),
    requested_by: z.string().nullable(),
    result: JsonObject.nullable(),
  })
  .meta({ id: 'Verification' });
