/**
 * The API's side of a verification: validate the request and create the
 * queued record. The `verify` workflow is then started with
 * `{ "verification_id": "…" }` and reads everything else from the record.
 */
import type { Catalog } from '../catalog/catalog.js';
import { RecordStatus } from '../catalog/status.js';
import type { VerificationRecord } from '../catalog/types.js';
import { BackupNotVerifiableError, InvalidVerificationError } from './errors.js';
import { isVerificationLevel, VerificationLevel } from './levels.js';

/** What a verification request carries. */
export interface VerificationRequest {
  backup_id: string;
  level: string;
  /** `sample` only: the share of the backup's packs to read, 0 < p ≤ 100. */
  sample_percent?: number;
  /** `sample` only: the bytes of packs to read (instead of a percentage). */
  sample_bytes?: number;
  requested_by?: string;
  /** Kept on the record as given (the seed's `test_restore_options`); the scratch target is always Haven's own. */
  test_restore_options?: Record<string, unknown> | null;
  /** Set by a sweep. */
  sweep_id?: string;
}

/** The largest `sample_percent`: the whole backup. */
export const SAMPLE_PERCENT_MAX = 100;

/**
 * Checks a request's level and sample settings.
 *
 * @param request - the request
 * @returns the level and the sample settings to record
 * @throws InvalidVerificationError
 */
export function checkVerificationRequest(request: Pick<VerificationRequest, 'level' | 'sample_percent' | 'sample_bytes'>): { level: VerificationLevel; sample_percent: number | null; sample_bytes: number | null } {
  const { level, sample_percent: percent, sample_bytes: bytes } = request;
  if (!isVerificationLevel(level)) throw new InvalidVerificationError(`level must be one of ${Object.values(VerificationLevel).join(', ')}, not ${JSON.stringify(level)}`);
  const hasPercent = percent !== undefined && percent !== null;
  const hasBytes = bytes !== undefined && bytes !== null;
  if (level !== VerificationLevel.Sample) {
    if (hasPercent || hasBytes) throw new InvalidVerificationError(`sample_percent and sample_bytes apply to the sample level only, not ${level}`);
    return { level, sample_percent: null, sample_bytes: null };
  }
  if (hasPercent === hasBytes) throw new InvalidVerificationError('the sample level takes exactly one of sample_percent or sample_bytes');
  if (hasPercent && !(typeof percent === 'number' && percent > 0 && percent <= SAMPLE_PERCENT_MAX)) throw new InvalidVerificationError(`sample_percent must be a number above 0 and at most ${SAMPLE_PERCENT_MAX}, not ${JSON.stringify(percent)}`);
  if (hasBytes && !(typeof bytes === 'number' && Number.isSafeInteger(bytes) && bytes > 0)) throw new InvalidVerificationError(`sample_bytes must be a positive whole number of bytes, not ${JSON.stringify(bytes)}`);
  return { level, sample_percent: hasPercent ? percent : null, sample_bytes: hasBytes ? bytes : null };
}

/**
 * Validates a verification request and creates its queued record.
 *
 * @param catalog - the catalog
 * @param request - backup, level and sample settings
 * @returns the queued record (start the `verify` workflow with its id)
 * @throws InvalidVerificationError (bad level or sample settings), NotFoundError (unknown backup),
 *   BackupNotVerifiableError (the backup is not completed; code `Conflict`)
 */
export async function createVerification(catalog: Catalog, request: VerificationRequest): Promise<VerificationRecord> {
  const checked = checkVerificationRequest(request);
  const backup = await catalog.getBackup(request.backup_id);
  if (backup.status !== RecordStatus.Completed || !backup.result) {
    throw new BackupNotVerifiableError(`backup ${request.backup_id} is ${backup.status}; only completed backups can be verified`);
  }
  const level = checked.level;
  return catalog.verifications.create({
    backup_id: backup.backup_id,
    verification_type: level,
    level,
    checksum_verification: level !== VerificationLevel.Quick,
    integrity_check: true,
    test_restore: level === VerificationLevel.TestRestore,
    test_restore_options: request.test_restore_options ?? null,
    sample_percent: checked.sample_percent,
    sample_bytes: checked.sample_bytes,
    requested_by: request.requested_by ?? null,
    ...(request.sweep_id ? { sweep_id: request.sweep_id } : {}),
  });
}
