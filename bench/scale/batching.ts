/**
 * How the backup Plan batches its partitions for the Export partitions
 * Distributed Map and bounds its concurrency. The backup workflow's own rule
 * (`batchingFor` in control/workflows/backup/batching.ts) had not been
 * committed when this model was written, so `BATCHING` below is a clearly
 * named LOCAL ASSUMPTION with the same signature; switch `BATCHING` to the
 * exported rule once it lands (one import, nothing else changes).
 */

/** What the rule needs to know about a fan-out (the exported rule's input). */
export interface BatchingInput {
  items: number;
  /** Estimated bytes of all items; undefined when the source's description gives none. */
  bytes?: number;
  /** Bytes per second one function is planned to process. */
  bytesPerSecond: number;
  /** Children at once the run asks for. */
  concurrency?: unknown;
}

/** The Map's batching, as the Plan's output carries it. */
export interface Batching {
  items_per_batch: number;
  max_concurrency: number;
}

/** LOCAL ASSUMPTION: bytes per second the Plan plans one export function for. */
export const ASSUMED_EXPORT_BYTES_PER_SECOND = 25_000_000;
/** LOCAL ASSUMPTION: seconds of work a batch aims at (a third of Lambda's 15 minutes). */
export const ASSUMED_BATCH_BUDGET_SECONDS = 300;
/** LOCAL ASSUMPTION: bytes of an item when the source gives no size (a default scan segment). */
export const ASSUMED_UNKNOWN_ITEM_BYTES = 128 * 1024 * 1024;

/**
 * LOCAL ASSUMPTION (not the Plan's rule): as many items per batch as fit the
 * budget at the planned throughput, never fewer than one; the concurrency the
 * run asks for, never more than the batches.
 */
export function assumedBatching(input: BatchingInput): Batching {
  const items = Math.max(0, Math.floor(input.items));
  const perItem = items === 0 ? 0 : input.bytes === undefined ? ASSUMED_UNKNOWN_ITEM_BYTES : input.bytes / items;
  const perBatch = Math.max(1, Math.floor(ASSUMED_BATCH_BUDGET_SECONDS / Math.max(1e-9, perItem / input.bytesPerSecond)));
  const requested = Number(input.concurrency ?? 1);
  return { items_per_batch: Math.min(perBatch, Math.max(1, items)), max_concurrency: Math.max(1, Math.min(Number.isFinite(requested) ? requested : 1, Math.ceil(items / perBatch))) };
}

/** The rule the model uses, where it comes from, and the throughput the Plan passes it. */
export const BATCHING = {
  rule: assumedBatching,
  bytesPerSecond: ASSUMED_EXPORT_BYTES_PER_SECOND,
  source: 'LOCAL ASSUMPTION (bench/scale/batching.ts): the backup Plan\'s batchingFor had not been committed',
} as const;
