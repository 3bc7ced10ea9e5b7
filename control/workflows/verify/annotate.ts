/**
 * Writes a verification's outcome onto the backups it concerns
 * (`ExecutionRecord.verification`): damaged backups are marked failed and
 * `damaged`; verified backups passed. A passing `quick` or `sample` run
 * never clears an earlier `damaged` mark (it did not read every pack); a
 * passing `checksum` or `test_restore` run does.
 */
import type { Catalog } from '../../catalog/catalog.js';
import { NotFoundError } from '../../catalog/errors.js';
import type { BackupVerificationSummary } from '../../catalog/types.js';
import { VerificationLevel } from '../../verification/levels.js';

const LISTED = 100;

/** Whether a passing run at this level read every referenced pack. */
function readsEverything(level: string): boolean {
  return level === VerificationLevel.Checksum || level === VerificationLevel.TestRestore;
}

/**
 * Marks a backup damaged. Backups the catalog doesn't know (a restore's
 * safety backup) are skipped.
 *
 * @returns whether the backup was marked
 */
export async function markDamaged(catalog: Catalog, backupId: string, packs: readonly string[], run: { level: string; verification_id: string; at: string }): Promise<boolean> {
  let backup;
  try {
    backup = await catalog.getBackup(backupId);
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
  const summary: BackupVerificationSummary = {
    status: 'failed',
    checksum_verified: false,
    integrity_verified: false,
    test_restore_verified: false,
    verified_at: run.at,
    damaged: true,
    damaged_packs: packs.slice(0, LISTED),
    verification_id: run.verification_id,
    level: run.level,
  };
  await catalog.executions.annotate(backup.execution_id, { verification: summary });
  return true;
}

/** Records a backup's failed verification that named no damaged pack (a failed test restore, an unreadable snapshot). */
export async function markFailed(catalog: Catalog, backupId: string, run: { level: string; verification_id: string; at: string }): Promise<void> {
  const backup = await catalog.getBackup(backupId);
  const previous = backup.verification;
  await catalog.executions.annotate(backup.execution_id, {
    verification: {
      status: 'failed',
      checksum_verified: false,
      integrity_verified: false,
      test_restore_verified: false,
      verified_at: run.at,
      damaged: previous?.damaged ?? false,
      ...(previous?.damaged_packs ? { damaged_packs: previous.damaged_packs } : {}),
      verification_id: run.verification_id,
      level: run.level,
    },
  });
}

/** Marks a backup verified, unless an earlier `damaged` mark stands and this level cannot clear it. */
export async function markPassed(catalog: Catalog, backupId: string, run: { level: string; verification_id: string; at: string }): Promise<void> {
  const backup = await catalog.getBackup(backupId);
  if (backup.verification?.damaged && !readsEverything(run.level)) return;
  await catalog.executions.annotate(backup.execution_id, {
    verification: {
      status: 'passed',
      checksum_verified: readsEverything(run.level),
      integrity_verified: true,
      test_restore_verified: run.level === VerificationLevel.TestRestore,
      verified_at: run.at,
      damaged: false,
      verification_id: run.verification_id,
      level: run.level,
    },
  });
}
