/** The demo's closing table. */
import type { ExecutionRecord } from '../../control/catalog/types.js';
import { formatBytes, table } from '../../cli/output.js';

/** One backup and its restore. */
export interface SummaryRow {
  what: string;
  backup: ExecutionRecord;
  /** True for a job's first backup: it has no parent, so everything in it is new (a full backup, whatever the job's type). */
  first: boolean;
  restored: number;
  identical: boolean;
}

/** Prints the summary table and the verdict. */
export function printSummary(rows: readonly SummaryRow[], vaultOk: boolean): void {
  const body = rows.map((r) => {
    const result = r.backup.result!;
    return [
      r.what,
      r.first ? 'full' : r.backup.backup_type,
      result.records.toLocaleString('en'),
      formatBytes(result.bytes_read),
      formatBytes(result.bytes_new),
      formatBytes(result.file_size),
      `${(result.dedup_ratio * 100).toFixed(1)}%`,
      `${r.backup.duration ?? 0}s`,
      r.restored.toLocaleString('en'),
      r.identical ? 'yes' : 'NO',
    ];
  });
  process.stdout.write(`\n${table(['backup', 'type', 'records', 'read', 'new', 'stored', 'dedup', 'time', 'restored', 'identical'], body)}\n\n`);
  const ok = vaultOk && rows.every((r) => r.identical);
  process.stdout.write(ok ? 'All restores are identical to the originals.\n' : 'MISMATCH: at least one restore differs from its original (see the table).\n');
}
