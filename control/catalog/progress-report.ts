/**
 * How workflow steps report progress counts: advisory, so a run that was
 * cancelled or failed meanwhile (its record refuses counts) is not the
 * reporting step's failure. Any other error is raised: the step is retried
 * and the count, keyed by its unit, is still made exactly once.
 */
import { NotRunningError } from './errors.js';
import type { DoneCount, RunTotals } from './progress-counts.js';

/** A record store's counting methods (executions, restores, verifications). */
export interface ProgressCounter {
  recordTotals(id: string, totals: RunTotals): Promise<unknown>;
  countDone(id: string, done: DoneCount): Promise<unknown>;
}

function unlessNotRunning(error: unknown): void {
  if (!(error instanceof NotRunningError)) throw error;
}

/**
 * Plan: records the run's totals (see control/catalog/progress-counts.ts).
 *
 * @param store - the run's kind
 * @param id - the run's record
 * @param totals - items, and bytes when known
 */
export async function reportTotals(store: ProgressCounter, id: string, totals: RunTotals): Promise<void> {
  await store.recordTotals(id, totals).catch(unlessNotRunning);
}

/**
 * A worker: adds what one unit (an item, or a child invocation's batch) did, once per unit.
 *
 * @param store - the run's kind
 * @param id - the run's record
 * @param done - the unit's number (stable across retries) and its counts
 */
export async function reportDone(store: ProgressCounter, id: string, done: DoneCount): Promise<void> {
  await store.countDone(id, done).catch(unlessNotRunning);
}
