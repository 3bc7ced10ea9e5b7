/**
 * A restore from a vault straight into a target, in this process, with the
 * restore workflow's steps and checks (control/workflows/restore/): the
 * target's `prepare` (conflict policy, creating what is missing) before
 * anything is written; each partition streamed out of the vault, verified
 * blob by blob and against its size and SHA-256, into the target, several at
 * once; then the counts checked (records restored + skipped = the
 * snapshot's records, unless a key selection made the restore partial;
 * bytes = the partitions' sizes) before the target's `finish`
 * (PostgreSQL: constraints, indexes, sequence values).
 */
import type { RestoreFinishOptions, RestorePrepareOptions, RestoreTarget, ConflictPolicy } from '../../sources/source.js';
import { restorePartition, type OpenedSnapshot } from '../../vault/restore/restorer.js';
import type { PartitionRecord } from '../../vault/snapshot/snapshot.js';
import type { Vault } from '../../vault/repository/vault.js';
import { mapLimit } from '../../vault/util/concurrency.js';
import { RestoreVerificationError } from './errors.js';

/** Where a restore stands, for progress. */
export interface RestoreProgress {
  phase: 'preparing' | 'restoring' | 'finishing';
  partitionsDone: number;
  partitions: number;
  bytesDone: number;
  bytes: number;
}

/** How to restore. */
export interface RestoreRunOptions {
  conflictPolicy: ConflictPolicy;
  prepare: Omit<RestorePrepareOptions, 'conflict_policy'>;
  finish: RestoreFinishOptions;
  /** Partitions restored at once. */
  parallel: number;
  /** True when a key selection restores only some records (their count is then not checked). */
  partial: boolean;
  onProgress?: (progress: RestoreProgress) => void;
}

/** What a restore did. */
export interface RestoreSummary {
  partitions: number;
  records_restored: number;
  records_skipped: number;
  bytes: number;
  /** Whether restored + skipped records were checked against the snapshot's count. */
  counts_verified: boolean;
}

/**
 * Restores `partitions` of an opened snapshot into `target` and verifies the result.
 * @throws RestoreVerificationError when the counts disagree with the snapshot
 */
export async function runRestore(vault: Vault, opened: OpenedSnapshot, partitions: readonly PartitionRecord[], target: RestoreTarget, options: RestoreRunOptions): Promise<RestoreSummary> {
  const description = (opened.snapshot.source.description ?? {}) as Record<string, unknown>;
  const totals = { partitions: partitions.length, bytes: partitions.reduce((n, p) => n + p.size, 0) };
  const state: RestoreProgress = { phase: 'preparing', partitionsDone: 0, bytesDone: 0, ...totals };
  const report = () => options.onProgress?.({ ...state });
  report();
  await target.prepare({ ...options.prepare, conflict_policy: options.conflictPolicy }, description);

  state.phase = 'restoring';
  report();
  const results = await mapLimit(partitions, options.parallel, async (partition) => {
    let bytes = 0;
    const stream = restorePartition(vault, opened.index, opened.snapshot, partition.name, {
      onProgress: (n) => {
        state.bytesDone += n - bytes;
        bytes = n;
        report();
      },
    });
    const written = await target.restore(stream, { conflict_policy: options.conflictPolicy });
    state.partitionsDone += 1;
    report();
    return { ...written, bytes };
  });

  const summary: RestoreSummary = {
    partitions: partitions.length,
    records_restored: results.reduce((n, r) => n + r.records, 0),
    records_skipped: results.reduce((n, r) => n + r.skipped, 0),
    bytes: results.reduce((n, r) => n + r.bytes, 0),
    counts_verified: !options.partial,
  };
  const expected = partitions.reduce((n, p) => n + p.records, 0);
  if (!options.partial && summary.records_restored + summary.records_skipped !== expected) {
    throw new RestoreVerificationError(`${summary.records_restored} records restored and ${summary.records_skipped} skipped, but the snapshot's partitions hold ${expected}`);
  }
  if (summary.bytes !== totals.bytes) throw new RestoreVerificationError(`${summary.bytes} bytes read from the vault, the snapshot's partitions hold ${totals.bytes}`);
  state.phase = 'finishing';
  report();
  await target.finish?.(options.finish, description);
  return summary;
}
