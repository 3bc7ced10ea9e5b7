/**
 * The progress arithmetic of a run (execution, restore, verification): from
 * the counts its Plan and its items recorded (control/catalog/progress-counts.ts)
 * to the percentage, rate and estimated completion the API and the CLI show.
 *
 * - The counted work spans {@link COUNTED_SPAN} of the 0–100 scale: Plan
 *   leaves a run at 5, its last steps (commit, finalize) take it to 100.
 * - The done fraction is the bytes fraction when the total bytes are known,
 *   with the items fraction as a floor (an estimate that was too high never
 *   holds a run back) and below 1 until every item is done (one too low
 *   never reaches the end early). Both counts only grow and the totals are
 *   written once, so the fraction never goes down; the shown progress is the
 *   larger of it and the stored progress, so it never goes down either.
 * - The rate is the average over the run so far: bytes done over the time
 *   since Plan recorded the totals (`counting_since`) up to now (the end, once
 *   the run ended). The estimated completion extrapolates that average:
 *   the time spent so far, scaled by the fraction still to do.
 */
import { RecordStatus } from './status.js';
import type { Timestamp, TrackedFields } from './types.js';

/** Where the counted items sit on the 0–100 progress scale. */
export const COUNTED_SPAN = { from: 5, to: 95 } as const;

/** The bytes fraction stays below this until every item is done. */
const BELOW_DONE = 0.999;

/** A run's progress as the API shows it. */
export interface RunProgress {
  /** 0–100; never goes down. */
  progress: number;
  /** Null until Plan recorded the totals. */
  items_done: number | null;
  items_total: number | null;
  bytes_done: number | null;
  /** Null when unknown (never recorded, or recorded as 0). */
  bytes_total: number | null;
  /** Bytes done per second, averaged since the totals were recorded; null before any byte is done. */
  rate_bytes_per_second: number | null;
  /** While the run runs and something is done: when it should end at the average rate so far. */
  estimated_completion: Timestamp | null;
}

/** The progress fields of a record. */
export type CountedFields = Pick<TrackedFields, 'status' | 'progress' | 'completed_at' | 'items_total' | 'bytes_total' | 'items_done' | 'bytes_done' | 'counting_since'>;

/**
 * @param record - the counts (items_done ≤ items_total is not assumed)
 * @returns the done fraction of the counted work (0–1), or undefined before totals are recorded
 */
export function doneFraction(record: CountedFields): number | undefined {
  const itemsTotal = record.items_total;
  if (itemsTotal === undefined) return undefined;
  const itemsDone = record.items_done ?? 0;
  if (itemsDone >= itemsTotal) return 1;
  const items = itemsDone / itemsTotal;
  const bytesTotal = record.bytes_total ?? 0;
  if (bytesTotal <= 0) return items;
  return Math.max(items, Math.min(BELOW_DONE, (record.bytes_done ?? 0) / bytesTotal));
}

/**
 * @param record - the stored progress and the counts
 * @returns the progress to show: the stored one, raised to where the done fraction puts it
 */
export function progressPercent(record: CountedFields): number {
  const fraction = doneFraction(record);
  if (fraction === undefined) return record.progress;
  const counted = Math.floor(COUNTED_SPAN.from + (COUNTED_SPAN.to - COUNTED_SPAN.from) * fraction);
  return Math.max(record.progress, counted);
}

/**
 * @param record - a run's record
 * @param now - the time of the reading
 * @returns percent, counts, average rate and estimated completion (see the file's notes)
 */
export function runProgress(record: CountedFields, now: Date): RunProgress {
  const progress = progressPercent(record);
  const fraction = doneFraction(record);
  const since = record.counting_since === undefined ? Number.NaN : Date.parse(record.counting_since);
  const end = record.completed_at ? Date.parse(record.completed_at) : now.getTime();
  const elapsedMs = end - since;
  const counting = fraction !== undefined && elapsedMs > 0;
  const bytesDone = record.bytes_done ?? 0;
  const running = record.status === RecordStatus.Running;
  return {
    progress,
    items_done: fraction === undefined ? null : (record.items_done ?? 0),
    items_total: record.items_total ?? null,
    bytes_done: fraction === undefined ? null : bytesDone,
    bytes_total: record.bytes_total && record.bytes_total > 0 ? record.bytes_total : null,
    rate_bytes_per_second: counting && bytesDone > 0 ? Math.round((bytesDone * 1000) / elapsedMs) : null,
    estimated_completion: running && counting && fraction > 0 ? new Date(now.getTime() + Math.round((elapsedMs * (1 - fraction)) / fraction)).toISOString() : null,
  };
}
