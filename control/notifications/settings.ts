/**
 * Finds whose notification settings govern an event: a restore's own
 * `notifications` when it set them, else the job's. The job is found from
 * the detail's `job_id`, else through its `backup_id` (a backup's execution
 * names its job), else through its `restore_id`.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { JobRecord, NotificationSettings } from '../catalog/types.js';

/** Settings used when no job can be found (deleted, or an event without one): failures and warnings only. */
export const FALLBACK_SETTINGS: NotificationSettings = { on_success: false, on_failure: true, on_warning: true, recipients: [] };

/** What an event is about, as far as the catalog knows. */
export interface EventSubject {
  job?: JobRecord;
  /** The settings that apply. */
  settings: NotificationSettings;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

async function jobOfBackup(catalog: Catalog, backupId: string): Promise<string | undefined> {
  const execution = await catalog.getBackup(backupId).catch(() => undefined);
  return execution?.job_id;
}

/**
 * @param catalog - the catalog
 * @param detail - an event's detail
 * @returns the job (when found) and the settings that apply
 */
export async function resolveSubject(catalog: Catalog, detail: Record<string, unknown>): Promise<EventSubject> {
  const restoreId = text(detail.restore_id);
  const restore = restoreId ? await catalog.restores.find(restoreId).catch(() => undefined) : undefined;
  const backupId = text(detail.backup_id) ?? restore?.backup_id;
  const jobId = text(detail.job_id) ?? (backupId ? await jobOfBackup(catalog, backupId) : undefined);
  const job = jobId ? await catalog.findJob(jobId).catch(() => undefined) : undefined;
  const settings = restore?.notifications ?? job?.notifications ?? FALLBACK_SETTINGS;
  return { ...(job ? { job } : {}), settings };
}
