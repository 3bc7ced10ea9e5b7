/** Backups: the seed's `/backup/files` list and one backup by id. */
import type { ApiDeps } from '../deps.js';
import type { ListFilesQuery } from '../schemas/files.js';
import { backupView, fileView, listView } from '../views.js';

/** `GET /backup/files` */
export async function listFiles(deps: ApiDeps, query: ListFilesQuery): Promise<Record<string, unknown>> {
  const { job_id, backup_type, status, date_from, date_to, limit, offset, cursor } = query;
  const page = await deps.catalog.listExecutions({ job_id, backup_type, status, date_from, date_to, limit, offset: offset ?? 0, cursor, with_total: true });
  return listView('files', page, fileView, { job_id, backup_type, status, date_from, date_to });
}

/** `GET /backup/backups/{backup_id}` */
export async function getBackup(deps: ApiDeps, backupId: string): Promise<Record<string, unknown>> {
  return backupView(await deps.catalog.getBackup(backupId));
}
