/**
 * Tables of API records: a column list says what each column shows, and
 * the cell formatters keep sizes, times and durations readable.
 */
import { formatBytes, table } from './output.js';

/** One column of a record table. */
export interface Column<T> {
  header: string;
  value: (row: T) => string;
}

/** A record as the API returns it. */
export type ApiRecord = Record<string, unknown>;

/** Reads a nested field (`result.file_size`) of a record. */
export function field(row: ApiRecord, path: string): unknown {
  let value: unknown = row;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Cell formatters. */
export const cell = {
  /** Any value as text; `-` when absent. */
  text(value: unknown): string {
    if (value === undefined || value === null || value === '') return '-';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  },
  /** A byte count. */
  bytes(value: unknown): string {
    return typeof value === 'number' && Number.isFinite(value) ? formatBytes(value) : '-';
  },
  /** An ISO timestamp, to the second, without the `T` and `Z` noise. */
  time(value: unknown): string {
    return typeof value === 'string' && value ? value.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '-';
  },
  /** Whole seconds as `1h02m03s`. */
  duration(value: unknown): string {
    if (typeof value !== 'number' || !Number.isFinite(value)) return '-';
    const s = Math.round(value);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    return h > 0 ? `${h}h${String(m).padStart(2, '0')}m${String(sec).padStart(2, '0')}s` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
  },
  /** A recorded failure (`{code, message}`) as `code: message`. */
  error(value: unknown): string {
    if (typeof value !== 'object' || value === null) return cell.text(value);
    const { code, message } = value as { code?: unknown; message?: unknown };
    return [code, message].filter((v) => typeof v === 'string' && v).join(': ') || JSON.stringify(value);
  },
  /** A 0–100 progress. */
  percent(value: unknown): string {
    return typeof value === 'number' && Number.isFinite(value) ? `${Math.round(value)}%` : '-';
  },
  /** A 0–1 ratio as a percentage. */
  ratio(value: unknown): string {
    return typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : '-';
  },
};

/** A column showing a (nested) field through a formatter. */
export function col<T extends ApiRecord>(header: string, path: string, format: (value: unknown) => string = cell.text): Column<T> {
  return { header, value: (row) => format(field(row, path)) };
}

/**
 * @param rows - records
 * @param columns - what to show
 * @returns the aligned table (headers only when there are no rows)
 */
export function renderTable<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>): string {
  return table(
    columns.map((c) => c.header),
    rows.map((r) => columns.map((c) => c.value(r))),
  );
}

/**
 * @param row - one record
 * @param columns - the fields to show
 * @returns `name: value` lines, names aligned
 */
export function renderDetails<T>(row: T, columns: ReadonlyArray<Column<T>>): string {
  const width = Math.max(...columns.map((c) => c.header.length));
  return columns.map((c) => `${`${c.header}:`.padEnd(width + 2)}${c.value(row)}`).join('\n');
}
