/**
 * How a Distributed Map's items are batched (docs/ARCHITECTURE.md, issue
 * 15): each child execution runs one Lambda invocation over a batch of
 * items, so a batch should hold enough work to be worth a child's overhead
 * (an execution, an invocation, a cold start) and stay far below Lambda's
 * 15-minute budget, and the batches should spread over the concurrency the
 * run may use. Backup and restore share the rule; the capacity model
 * (bench/) reuses it.
 */

/** Seconds of work one batch aims at: a third of Lambda's 15 minutes, leaving room for a slow source and a retried item. */
export const BATCH_BUDGET_SECONDS = 300;
/** Fixed seconds per item beyond its bytes: a session, the first read, the index and the staged result (measured locally at 20-40 ms; planned at 0.1 s on Lambda). */
export const ITEM_OVERHEAD_SECONDS = 0.1;
/**
 * Bytes per second one function exports: the engine alone runs 100-165 MB/s
 * (bench/RESULTS.md), but source reads (Scan pages, GetObject) bound an
 * export well below that, so the rule plans for a quarter of it.
 */
export const EXPORT_BYTES_PER_SECOND = 25_000_000;
/** Bytes per second one function restores (the engine's 150-395 MB/s restore, bounded by target writes the same way). */
export const RESTORE_BYTES_PER_SECOND = 25_000_000;
/** Assumed bytes of an item whose size is unknown: a default DynamoDB scan segment (128 MiB). */
export const UNKNOWN_ITEM_BYTES = 128 * 1024 * 1024;
/** Items per batch at most (a batch's input stays far below Step Functions' 256 KiB). */
export const MAX_ITEMS_PER_BATCH = 1000;
/** Children at once at most (each a function reading the source or writing the target). */
export const MAX_CONCURRENCY = 40;
/** Children at once unless the run asks otherwise (`custom_parameters.max_concurrency`). */
export const DEFAULT_MAX_CONCURRENCY = 4;

/**
 * Packs per staged pack batch (one item of a pack-checking Map: the verify
 * workflow's Check packs and the backup's Verify packs). HEAD-only checks
 * are cheap; checks that read data read up to 25 × 16 MiB per batch.
 */
export const PACKS_PER_CHECK_BATCH = { quick: 500, data: 25 } as const;
/** Pack batches one child of the verify workflow's Check packs checks in turn, well within its function's 15 minutes. */
export const CHECK_BATCHES_PER_CHILD = { quick: 4, data: 2 } as const;
/** Children of the verify workflow's Check packs at once. */
export const CHECK_MAX_CONCURRENCY = 10;
/**
 * Bytes per second one function reads back and authenticates when it checks
 * pack data: the engine checks ~170 MB per CPU-second (docs/SCALE.md), a
 * 1,024 MB function gets 0.58 vCPU, and the rule plans for half of that.
 */
export const CHECK_BYTES_PER_SECOND = 50_000_000;

/** What the rule needs to know about a fan-out. */
export interface BatchingInput {
  /** How many items. */
  items: number;
  /** Estimated bytes of all items together; undefined when the source cannot say ({@link UNKNOWN_ITEM_BYTES} each). */
  bytes?: number;
  /** Bytes per second one function processes ({@link EXPORT_BYTES_PER_SECOND}, {@link RESTORE_BYTES_PER_SECOND}). */
  bytesPerSecond: number;
  /** Children at once the run asks for (clamped to 1 … `maxConcurrency`); @default {@link DEFAULT_MAX_CONCURRENCY} */
  concurrency?: unknown;
  /** Records of all items together (S3: objects), when the source costs per record. */
  records?: number;
  /** Seconds each record costs beyond its bytes (the source's `pacing`); @default 0 */
  secondsPerRecord?: number;
  /** Children at once the source serves (the source's `pacing`: S3's prefix GET rate); @default {@link MAX_CONCURRENCY} */
  maxConcurrency?: number;
}

/**
 * The batching of the backup's Verify packs Map: the rule over the staged
 * pack batches and their bytes at {@link CHECK_BYTES_PER_SECOND}, at up to
 * {@link MAX_CONCURRENCY} children (it reads the vault only, never the
 * source, so the job's concurrency does not bound it).
 *
 * @param batches - staged pack batches ({@link PACKS_PER_CHECK_BATCH}`.data` packs each)
 * @param bytes - the packs' bytes together
 * @returns pack batches per child and children at once
 */
export function packCheckBatching(batches: number, bytes: number): Batching {
  return batchingFor({ items: batches, bytes, bytesPerSecond: CHECK_BYTES_PER_SECOND, concurrency: MAX_CONCURRENCY });
}

/** The Map's batching, as the Plan's output carries it. */
export interface Batching {
  items_per_batch: number;
  max_concurrency: number;
}

/**
 * The batching rule: items per batch is what fits {@link BATCH_BUDGET_SECONDS}
 * at the planned per-item time (overhead plus the item's bytes at
 * `bytesPerSecond` plus its records at `secondsPerRecord`), but no more
 * than spreads the items over the concurrency, and 1 … {@link MAX_ITEMS_PER_BATCH};
 * the concurrency is the run's, at most the source's (or
 * {@link MAX_CONCURRENCY}), and never exceeds the batch count. Small items get big batches: 20,000 empty
 * partitions at concurrency 40 make 40 batches of 500; 1,000 partitions of
 * 128 MiB make batches of 54.
 *
 * @param input - the items, their estimated bytes, the throughput and the requested concurrency
 * @returns items per batch and the Map's concurrency
 */
export function batchingFor(input: BatchingInput): Batching {
  const items = Math.max(0, Math.floor(input.items));
  const requested = Number(input.concurrency ?? DEFAULT_MAX_CONCURRENCY);
  const cap = Math.max(1, Math.floor(input.maxConcurrency ?? MAX_CONCURRENCY));
  const concurrency = Math.max(1, Math.min(cap, Number.isFinite(requested) ? Math.floor(requested) : DEFAULT_MAX_CONCURRENCY));
  const bytesPerItem = items === 0 ? 0 : input.bytes === undefined ? UNKNOWN_ITEM_BYTES : Math.max(0, input.bytes) / items;
  const recordsPerItem = items === 0 ? 0 : Math.max(0, input.records ?? 0) / items;
  const secondsPerItem = ITEM_OVERHEAD_SECONDS + bytesPerItem / input.bytesPerSecond + recordsPerItem * (input.secondsPerRecord ?? 0);
  const byBudget = Math.floor(BATCH_BUDGET_SECONDS / secondsPerItem);
  const bySpread = Math.ceil(items / concurrency);
  const perBatch = Math.max(1, Math.min(MAX_ITEMS_PER_BATCH, byBudget, bySpread));
  return { items_per_batch: perBatch, max_concurrency: Math.max(1, Math.min(concurrency, Math.ceil(items / perBatch))) };
}
