/**
 * How the backup batches its two Distributed Maps and bounds their
 * concurrency: the workflow's own rules (control/workflows/backup/batching.ts),
 * with the throughput and caps the steps pass them, so the model batches
 * exactly as a run would. Export partitions: `batchingFor` as the Plan calls
 * it. Verify packs: Plan verify's pack batches (`PACKS_PER_CHECK_BATCH.data`
 * packs each) batched by `packCheckBatching`.
 */
import { batchingFor, EXPORT_BYTES_PER_SECOND, MAX_CONCURRENCY, PACKS_PER_CHECK_BATCH, packCheckBatching } from '../../control/workflows/backup/batching.js';

export type { Batching, BatchingInput } from '../../control/workflows/backup/batching.js';

/** The rules the model uses, the throughput the Plan plans with, the concurrency cap, and where they come from. */
export const BATCHING = {
  rule: batchingFor,
  bytesPerSecond: EXPORT_BYTES_PER_SECOND,
  maxConcurrency: MAX_CONCURRENCY,
  /** Packs per staged pack batch of Verify packs. */
  packsPerCheckBatch: PACKS_PER_CHECK_BATCH.data,
  /** Verify packs' batching, as Plan verify calls it (pack batches, their bytes). */
  verifyRule: packCheckBatching,
  source: 'control/workflows/backup/batching.ts (batchingFor, as the backup Plan calls it; packCheckBatching, as Plan verify calls it)',
} as const;
