/** Deleting a backup and a job's retention dry run (both through the backups port). */
import type { ApiDeps } from '../deps.js';
import { backupView } from '../views.js';

/** `DELETE /backup/backups/{backup_id}`: the backup as marked deleted (`deleted_at`, `deleted_by`). */
export async function deleteBackupRoute(deps: ApiDeps, backupId: string): Promise<Record<string, unknown>> {
  const record = await deps.backups.delete(backupId);
  return { ...backupView(record), deleted_at: record.deleted_at ?? null, deleted_by: record.deleted_by ?? null };
}

/** `GET /backup/jobs/{job_id}/retention`: what the policy would keep and forget now (changes nothing). */
export async function jobRetention(deps: ApiDeps, jobId: string): Promise<Record<string, unknown>> {
  return { ...(await deps.backups.planRetention(jobId)) };
}
