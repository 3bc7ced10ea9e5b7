/** Verifications: request one of a backup (202, the `verify` workflow runs it) and read one. */
import { RecordStatus } from '../../catalog/status.js';
import type { VerificationRecord } from '../../catalog/types.js';
import { createVerification } from '../../verification/create.js';
import { levelOfRequest } from '../../verification/levels.js';
import type { ApiDeps, Caller } from '../deps.js';
import { ServiceUnavailableApiError } from '../errors.js';
import { Machine } from '../ports.js';
import type { VerifyBackupBody } from '../schemas/verifications.js';
import { runProgressView } from '../views.js';

/** A verification as the API shows it. */
export function verificationView(v: VerificationRecord): Record<string, unknown> {
  return {
    verification_id: v.verification_id,
    backup_id: v.backup_id,
    verification_type: v.verification_type,
    level: v.level ?? null,
    status: v.status,
    phase: v.phase,
    started_at: v.started_at,
    ...runProgressView(v),
    completed_at: v.completed_at,
    duration: v.duration,
    checksum_verification: v.checksum_verification,
    integrity_check: v.integrity_check,
    test_restore: v.test_restore,
    test_restore_options: v.test_restore_options,
    sample_percent: v.sample_percent ?? null,
    sample_bytes: v.sample_bytes ?? null,
    requested_by: v.requested_by ?? null,
    result: (v.result as Record<string, unknown> | null) ?? null,
    served_from: v.served_from ?? null,
    error: v.error,
  };
}

/**
 * `POST /backup/backups/{backup_id}/verify`: records the verification
 * (queued) and starts the `verify` workflow named by its id.
 *
 * @throws NotFoundError (404), BackupNotVerifiableError (409), InvalidVerificationError (422), ServiceUnavailableApiError (503)
 */
export async function verifyBackup(deps: ApiDeps, backupId: string, body: VerifyBackupBody, caller: Caller): Promise<Record<string, unknown>> {
  const record = await createVerification(deps.catalog, {
    backup_id: backupId,
    level: levelOfRequest(body),
    ...(body.sample_percent === undefined ? {} : { sample_percent: body.sample_percent }),
    ...(body.sample_bytes === undefined ? {} : { sample_bytes: body.sample_bytes }),
    test_restore_options: body.test_restore_options ?? null,
    requested_by: body.requested_by ?? caller.id,
  });
  try {
    await deps.workflows.start(Machine.Verify, record.verification_id, { verification_id: record.verification_id });
  } catch (error) {
    await deps.catalog.verifications.transition(record.verification_id, RecordStatus.Failed, { phase: 'failed', error: { code: 'WorkflowStartFailed', message: 'the verify workflow could not be started' } }).catch(() => {});
    throw new ServiceUnavailableApiError('the verify workflow could not be started; retry later', { cause: error });
  }
  return verificationView(record);
}

/** `GET /backup/verifications/{verification_id}` */
export async function getVerification(deps: ApiDeps, verificationId: string): Promise<Record<string, unknown>> {
  return verificationView(await deps.catalog.verifications.get(verificationId));
}
