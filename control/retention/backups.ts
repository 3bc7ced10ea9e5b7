/** A job's backups as the retention policy sees them, read from the catalog page by page. */
import type { ExecutionRecord } from '../catalog/types.js';
import type { Catalog } from '../catalog/catalog.js';
import type { RetentionCandidate } from './policy.js';

/** Every execution (backup) of a job, newest first, following every page. */
export async function listJobBackups(catalog: Catalog, jobId: string): Promise<ExecutionRecord[]> {
  const all: ExecutionRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await catalog.executions.list({ job_id: jobId, limit: 1000, cursor });
    all.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return all;
}

/** The policy's view of an execution record: its start time is the backup's time. */
export function candidateOf(record: ExecutionRecord): RetentionCandidate {
  return {
    backup_id: record.backup_id,
    created_at: record.started_at,
    status: record.status,
    verification_status: record.verification?.status ?? null,
    locked: record.locked ?? false,
    retention_until: record.retention_until ?? null,
    deleted_at: record.deleted_at ?? null,
  };
}

/** The object key of a snapshot. */
export function snapshotKey(snapshotId: string): string {
  return `snapshots/${snapshotId}`;
}
