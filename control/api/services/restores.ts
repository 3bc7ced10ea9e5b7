/**
 * Restores: create (checked, recorded queued, workflow started), list and
 * status. Only completed backups restore; the destination is checked
 * (bucket names, prefixes that would climb out of themselves) before
 * anything is recorded.
 */
import { RecordStatus } from '../../catalog/status.js';
import type { NotificationSettings, RestoreRecord } from '../../catalog/types.js';
import type { ApiDeps, Caller } from '../deps.js';
import { isInputFault } from '../error-mapping.js';
import { ServiceUnavailableApiError } from '../errors.js';
import { Machine } from '../ports.js';
import type { CreateRestoreBody, ListRestoresQuery } from '../schemas/restores.js';
import { listView, restoreStatusView, restoreView } from '../views.js';
import { Issues } from './issues.js';

async function checkRestore(deps: ApiDeps, body: CreateRestoreBody): Promise<void> {
  const issues = new Issues();
  const backup = await deps.catalog.getBackup(body.backup_id);
  issues.check(backup.status === RecordStatus.Completed && backup.result !== null, 'backup_id', `backup ${backup.backup_id} is ${backup.status}; only completed backups restore`);
  const { destination, restore_options: options } = body;
  const policy = options.conflict_policy ?? destination.conflict_policy;
  const overwrite = destination.overwrite_existing;
  issues.check(!(policy && overwrite !== undefined && (policy === 'overwrite') !== overwrite), 'destination.overwrite_existing', `contradicts conflict_policy ${policy}`);
  if (options.target_timestamp !== undefined) issues.check(Date.parse(options.target_timestamp) <= deps.now().getTime(), 'restore_options.target_timestamp', 'is in the future');
  try {
    await deps.sources.checkDestination(destination);
  } catch (error) {
    if (!isInputFault(error)) throw error;
    issues.addError(error, 'destination');
  }
  issues.throwIfAny('the restore is not valid');
}

/** `POST /backup/restores` */
export async function createRestore(deps: ApiDeps, body: CreateRestoreBody, caller: Caller): Promise<Record<string, unknown>> {
  await checkRestore(deps, body);
  const record: RestoreRecord = await deps.catalog.restores.create({
    restore_name: body.restore_name,
    description: body.description ?? '',
    backup_id: body.backup_id,
    source: body.source ?? {},
    destination: body.destination,
    restore_options: body.restore_options,
    notifications: (body.notifications as NotificationSettings | undefined) ?? null,
    created_by: body.created_by ?? caller.id,
  });
  try {
    await deps.workflows.start(Machine.Restore, record.restore_id, { restore_id: record.restore_id });
  } catch (error) {
    await deps.catalog.restores.transition(record.restore_id, RecordStatus.Failed, { phase: 'failed', error: { code: 'WorkflowStartFailed', message: 'the restore workflow could not be started' } }).catch(() => {});
    throw new ServiceUnavailableApiError('the restore workflow could not be started; retry later', { cause: error });
  }
  return restoreView(record);
}

/** `GET /backup/restores` */
export async function listRestores(deps: ApiDeps, query: ListRestoresQuery): Promise<Record<string, unknown>> {
  const { backup_id, status, date_from, date_to, limit, offset, cursor } = query;
  const page = await deps.catalog.restores.list({ backup_id, status, date_from, date_to, limit, offset: offset ?? 0, cursor, with_total: true });
  return listView('restores', page, restoreView, { backup_id, status, date_from, date_to });
}

/** `GET /backup/restores/{restore_id}/status` */
export async function restoreStatus(deps: ApiDeps, restoreId: string): Promise<Record<string, unknown>> {
  return restoreStatusView(await deps.catalog.restores.get(restoreId));
}
