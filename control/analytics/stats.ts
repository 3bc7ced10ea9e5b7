/** Success, size and duration figures of a set of executions (backups). */
import { RecordStatus } from '../catalog/status.js';
import type { ExecutionRecord } from '../catalog/types.js';

/** Figures of a set of backups. */
export interface BackupStats {
  count: number;
  successful: number;
  failed: number;
  running: number;
  /** Successful / (successful + failed); null when none finished either way. */
  success_rate: number | null;
  /** Mean bytes read by the successful ones. */
  average_size: number | null;
  /** Mean seconds of the successful ones. */
  average_duration: number | null;
  bytes_read: number;
  bytes_new: number;
  bytes_stored: number;
}

/** @returns `x` rounded to `digits` decimals */
export const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

const mean = (values: number[], digits: number): number | null => (values.length === 0 ? null : round(values.reduce((a, b) => a + b, 0) / values.length, digits));

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/**
 * @param executions - the backups
 * @returns their figures (rates to 4 decimals, sizes to whole bytes, durations to 2 decimals)
 */
export function backupStats(executions: readonly ExecutionRecord[]): BackupStats {
  const ok = executions.filter((e) => e.status === RecordStatus.Completed);
  const failed = executions.filter((e) => e.status === RecordStatus.Failed).length;
  const running = executions.filter((e) => e.status === RecordStatus.Queued || e.status === RecordStatus.Running).length;
  const finished = ok.length + failed;
  const results = ok.flatMap((e) => (e.result ? [e.result] : []));
  return {
    count: executions.length,
    successful: ok.length,
    failed,
    running,
    success_rate: finished === 0 ? null : round(ok.length / finished, 4),
    average_size: mean(results.map((r) => r.bytes_read), 0),
    average_duration: mean(ok.flatMap((e) => (e.duration === null ? [] : [e.duration])), 2),
    bytes_read: sum(results.map((r) => r.bytes_read)),
    bytes_new: sum(results.map((r) => r.bytes_new)),
    bytes_stored: sum(results.map((r) => r.file_size)),
  };
}

/**
 * @param stats - figures of successful backups
 * @returns the dedup ratio (1 - new / read) and compression ratio (stored / new), as the snapshot defines them
 */
export function ratios(stats: Pick<BackupStats, 'bytes_read' | 'bytes_new' | 'bytes_stored'>): { dedup_ratio: number | null; compression_ratio: number | null } {
  return {
    dedup_ratio: stats.bytes_read === 0 ? null : round(1 - stats.bytes_new / stats.bytes_read, 4),
    compression_ratio: stats.bytes_new === 0 ? null : round(stats.bytes_stored / stats.bytes_new, 4),
  };
}
