/** Verifications (`POST /backup/backups/{backup_id}/verify`, `GET /backup/verifications/{verification_id}`). */
import { z } from 'zod';
import { ServedFromSchema } from './restores.js';
import { IdPrefix } from '../../catalog/ids.js';
import { SAMPLE_PERCENT_MAX } from '../../verification/create.js';
import { VerificationLevel } from '../../verification/levels.js';
import { Actor, idOf, JsonObject, ProgressFields, Timestamp } from './common.js';
import { RunProgressFields } from './executions.js';

/** A verification id. */
export const VerificationId = idOf(IdPrefix.Verification);

const LEVELS = Object.values(VerificationLevel);
const OTHER_LEVELS = LEVELS.filter((l) => l !== VerificationLevel.Sample) as [VerificationLevel, ...VerificationLevel[]];
/** `verification_type`: a level, or the seed's `full` (the level is then read from the flags). */
const VERIFICATION_TYPES = [...LEVELS, 'full'] as const;

/** Fields every verify request may carry, whatever its level. */
const common = {
  verification_type: z.enum(VERIFICATION_TYPES).optional().meta({ description: 'A level name, or `full` (the level is then read from the flags below); `level` wins over it' }),
  checksum_verification: z.boolean().optional().meta({ description: 'false (without test_restore) means the quick level' }),
  integrity_check: z.boolean().optional(),
  test_restore: z.boolean().optional().meta({ description: 'true means the test_restore level' }),
  test_restore_options: JsonObject.nullable().optional().meta({ description: "Kept on the record; the scratch target is always Haven's own" }),
  requested_by: Actor.optional(),
};
const absent = z.never().optional();
const SamplePercent = z.number().gt(0).max(SAMPLE_PERCENT_MAX).meta({ description: `sample level: share of the packs to read, above 0 and at most ${SAMPLE_PERCENT_MAX}` });
const SampleBytes = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).meta({ description: 'sample level: bytes of packs to read (instead of sample_percent)' });
/** The sample level takes exactly one of its two settings. */
const sampleSettings = [
  { sample_percent: SamplePercent, sample_bytes: absent },
  { sample_percent: absent, sample_bytes: SampleBytes },
] as const;
/** How a request names its level: `level` (which wins), or `verification_type` when `level` is absent. */
const sampleLevel = [{ level: z.literal(VerificationLevel.Sample) }, { level: absent, verification_type: z.literal(VerificationLevel.Sample) }] as const;
const otherLevel = [
  { level: z.enum(OTHER_LEVELS) },
  { level: absent, verification_type: z.enum(VERIFICATION_TYPES.filter((t) => t !== VerificationLevel.Sample) as [string, ...string[]]).optional() },
] as const;

/**
 * `POST /backup/backups/{backup_id}/verify` body: the seed's fields
 * (`verification_type`, `checksum_verification`, `test_restore`…) or a
 * `level` (control/verification/levels.ts `levelOfRequest` reads them);
 * exactly one of `sample_percent` or `sample_bytes` with the `sample` level,
 * neither with any other. Exactly one branch matches a valid body.
 */
export const VerifyBackupBody = z
  .xor(
    [
      ...sampleLevel.flatMap((level) => sampleSettings.map((settings) => z.strictObject({ ...common, ...level, ...settings }))),
      ...otherLevel.map((level) => z.strictObject({ ...common, ...level, sample_percent: absent, sample_bytes: absent })),
    ],
    { error: 'the sample level takes exactly one of sample_percent or sample_bytes; other levels take neither' },
  )
  .meta({ id: 'VerifyBackupRequest' });
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
    ...RunProgressFields,
    started_at: Timestamp,
    duration: z.number().nullable(),
    checksum_verification: z.boolean(),
    integrity_check: z.boolean(),
    test_restore: z.boolean(),
    test_restore_options: JsonObject.nullable(),
    sample_percent: z.number().nullable(),
    sample_bytes: z.number().nullable(),
    requested_by: z.string().nullable(),
    result: JsonObject.nullable(),
    served_from: ServedFromSchema.nullable().meta({ description: 'The vault the verification read from; null until planned' }),
  })
  .meta({ id: 'Verification' });
