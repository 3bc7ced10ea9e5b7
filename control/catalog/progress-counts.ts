/**
 * The counting writes behind a run's progress (control/catalog/progress.ts
 * derives the percentage from them), each one conditional UpdateItem on the
 * run's own record:
 *
 * - {@link totalsUpdate}: Plan records the totals once (`if_not_exists`, so
 *   a second Plan never moves them and progress never goes down).
 * - {@link doneUpdate}: a worker adds what one unit of work did (`ADD`
 *   items_done, bytes_done) and the unit's number to `progress_marks`, only
 *   while the run is running and only if that number is not there yet: a
 *   unit retried after success (a Lambda retry, a Map redrive, two copies at
 *   once) is counted exactly once.
 *
 * Write rate: a unit is one child invocation's batch, not one item, so a run
 * writes its record once per batch. Workers run at most `max_concurrency` at
 * once (40 at most; a Distributed Map's MaxConcurrency), so the record takes
 * at most `max_concurrency / shortest batch time` updates a second — 40 a
 * second for one-second batches — each costing ⌈record size / 1 KB⌉ WCU: a
 * record is about 2 KB and its marks about 4 bytes per batch (about 4 KB
 * more for 1,000 batches), so under 300 WCU/s, below DynamoDB's 1,000 WCU/s
 * per partition key, however many items finish together. Marks are removed
 * when the run ends.
 */
import { InvalidRecordError } from './errors.js';
import type { Expression } from './expression.js';
import type { UpdateSpec } from './items.js';
import { RecordStatus } from './status.js';
import type { Timestamp } from './types.js';

/** What Plan knows a run will do. */
export interface RunTotals {
  /** Items (partitions, pack batches). */
  items: number;
  /** Bytes, when known (0 or absent: unknown; progress then counts items). */
  bytes?: number;
}

/** What one unit of work did. */
export interface DoneCount {
  /**
   * The unit's number, the same on every attempt: an item's index, or a
   * batch's first item index (a Map retries a batch with the same items).
   */
  unit: number;
  /** Items done. */
  items: number;
  /** Bytes done. */
  bytes: number;
}

function count(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new InvalidRecordError(`${what} must be a whole number from 0, not ${String(value)}`);
  return value;
}

function running(e: Expression): string {
  return `${e.name('status')} = ${e.value(RecordStatus.Running)}`;
}

/**
 * @param e - the command's placeholders
 * @param totals - what Plan knows
 * @param now - the time counting starts from
 * @returns the update: totals (first write wins), zero counts, `counting_since`; only while running
 * @throws InvalidRecordError for a negative or fractional total
 */
export function totalsUpdate(e: Expression, totals: RunTotals, now: Timestamp): UpdateSpec {
  const items = count(totals.items, 'items_total');
  const bytes = count(totals.bytes ?? 0, 'bytes_total');
  const once = (field: string, value: unknown) => `${e.name(field)} = if_not_exists(${e.name(field)}, ${e.value(value)})`;
  const sets = [once('items_total', items), once('bytes_total', bytes), once('items_done', 0), once('bytes_done', 0), once('counting_since', now), `${e.name('updated_at')} = ${e.value(now)}`];
  return { update: `SET ${sets.join(', ')}`, condition: running(e) };
}

/**
 * @param e - the command's placeholders
 * @param done - what one unit did
 * @param now - the time of the write
 * @returns the update: `ADD` the counts and the unit's mark; only while running and if the unit is unmarked
 * @throws InvalidRecordError for a negative or fractional count
 */
export function doneUpdate(e: Expression, done: DoneCount, now: Timestamp): UpdateSpec {
  const unit = count(done.unit, 'unit');
  const marks = e.name('progress_marks');
  return {
    update: `ADD ${e.name('items_done')} ${e.value(count(done.items, 'items'))}, ${e.name('bytes_done')} ${e.value(count(done.bytes, 'bytes'))}, ${marks} ${e.value(new Set([unit]))} SET ${e.name('updated_at')} = ${e.value(now)}`,
    condition: `${running(e)} AND NOT contains(${marks}, ${e.value(unit)})`,
  };
}
