/**
 * How the backup Plan batches its partitions for the Export partitions
 * Distributed Map and bounds its concurrency: the workflow's own rule
 * (`batchingFor`, control/workflows/backup/batching.ts), with the throughput
 * the Plan passes it and its concurrency cap, so the model batches exactly
 * as a run would.
 */
import { batchingFor, EXPORT_BYTES_PER_SECOND, MAX_CONCURRENCY } from '../../control/workflows/backup/batching.js';

export type { Batching, BatchingInput } from '../../control/workflows/backup/batching.js';

/** The rule the model uses, the throughput the Plan plans with, its concurrency cap, and where they come from. */
export const BATCHING = {
  rule: batchingFor,
  bytesPerSecond: EXPORT_BYTES_PER_SECOND,
  maxConcurrency: MAX_CONCURRENCY,
  source: 'control/workflows/backup/batching.ts (batchingFor, as the backup Plan calls it)',
} as const;
