/**
 * What responses show of catalog records: the seed's fields, never lease
 * bookkeeping, never secrets (records hold none; see control/catalog/secrets.ts).
 */
import type { Page } from '../catalog/pagination.js';
import type { ExecutionRecord, JobRecord, RestoreRecord } from '../catalog/types.js';

/** A job as the API shows it. */
export function jobView(job: JobRecord): Record<string, unknown> {
  const { lease_owner: _owner, lease_expires_at: _expires, ...view } = job;
  return view;
}

/** A run as execute and cancel return it. */
export function executionView(e: ExecutionRecord): Record<string, unknown> {
  return {
    execution_id: e.execution_id,
    backup_id: e.backup_id,
    job_id: e.job_id,
    status: e.status,
    progress: e.progress,
    phase: e.phase,
    started_at: e.started_at,
    completed_at: e.completed_at,
    estimated_completion: e.estimated_completion ?? null,
    execution_options: e.execution_options,
    custom_parameters: e.custom_parameters,
    executed_by: e.executed_by ?? null,
    error: e.error,
  };
}

/** The latest run of a job (`never_run` when there is none). */
export function jobStatusView(job: JobRecord, latest: ExecutionRecord | undefined): Record<string, unknown> {
  return {
    job_id: job.job_id,
    status: latest?.status ?? 'never_run',
    execution_id: latest?.execution_id ?? null,
    progress: latest?.progress ?? 0,
    phase: latest?.phase ?? null,
    started_at: latest?.started_at ?? null,
    completed_at: latest?.completed_at ?? null,
    duration: latest?.duration ?? null,
    result: latest?.result ?? null,
    verification: latest?.verification ?? null,
    error: latest?.error ?? null,
    next_run: job.next_run,
  };
}

/** A backup in `/backup/files` (seed 001 fields). */
export function fileView(e: ExecutionRecord): Record<string, unknown> {
  return {
    backup_id: e.backup_id,
    job_id: e.job_id,
    job_name: e.job_name,
    backup_type: e.backup_type,
    file_path: e.result?.file_path ?? null,
    file_size: e.result?.file_size ?? null,
    compression_ratio: e.result?.compression_ratio ?? null,
    encryption: e.result?.encryption ?? 'AES-256-GCM',
    checksum: e.result?.checksum ?? null,
    status: e.status,
    created_at: e.result?.created_at ?? e.started_at,
    verified_at: e.verification?.verified_at ?? null,
    retention_until: e.retention_until,
  };
}

/** A backup with its run (`/backup/backups/{backup_id}`). */
export function backupView(e: ExecutionRecord): Record<string, unknown> {
  return {
    ...fileView(e),
    execution_id: e.execution_id,
    trigger: e.trigger,
    progress: e.progress,
    phase: e.phase,
    started_at: e.started_at,
    completed_at: e.completed_at,
    duration: e.duration,
    locked: e.locked ?? false,
    result: e.result,
    verification: e.verification,
    error: e.error,
  };
}

/** A restore. */
export function restoreView(r: RestoreRecord): Record<string, unknown> {
  return {
    restore_id: r.restore_id,
    restore_name: r.restore_name,
    description: r.description,
    backup_id: r.backup_id,
    source: r.source,
    destination: r.destination,
    restore_options: r.restore_options,
    notifications: r.notifications,
    status: r.status,
    progress: r.progress,
    phase: r.phase,
    created_at: r.created_at,
    created_by: r.created_by,
    started_at: r.started_at,
    completed_at: r.completed_at,
    duration: r.duration,
    result: r.result,
    verification: r.verification,
    error: r.error,
  };
}

/** A restore's progress. */
export function restoreStatusView(r: RestoreRecord): Record<string, unknown> {
  const { restore_id, status, progress, phase, started_at, completed_at, duration, result, verification, error } = r;
  return { restore_id, status, progress, phase, started_at, completed_at, duration, result, verification, error };
}

/**
 * A list response: the items under `key`, the paging fields and the filters applied.
 *
 * @param key - `jobs`, `files`, `restores`
 * @param page - the catalog's page
 * @param view - maps a record to its view
 * @param filters - the filters the request gave (undefined entries dropped)
 */
export function listView<R>(key: string, page: Page<R>, view: (r: R) => Record<string, unknown>, filters: Record<string, unknown>): Record<string, unknown> {
  const applied = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
  return { [key]: page.items.map(view), total: page.total ?? page.items.length, limit: page.limit, offset: page.offset, next_cursor: page.next_cursor, filters: applied };
}
