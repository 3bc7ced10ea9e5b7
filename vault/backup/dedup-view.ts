/**
 * Which blobs a backup may reuse instead of writing again, by backup type:
 * - `incremental`: every blob the vault's index objects list (a compact set of
 *   their ids, `vault/index/blob-id-set.ts`: an export holds no blob locations);
 * - `differential`: only the blobs of the job's last full snapshot;
 * - `full`: none (it writes all its blobs afresh, sharing nothing with earlier damage).
 * Blobs written earlier in the same backup are always reused.
 */
import { BackupType } from '../snapshot/snapshot.js';

/** A set-like view of reusable blob ids. */
export interface DedupView {
  has(blobId: string): boolean;
}

/** Nothing is reusable. */
export const EMPTY_VIEW: DedupView = { has: () => false };

/**
 * The reusable blobs for a backup type.
 * @param stored - the blobs the vault's index objects list (needed for incremental and differential)
 * @param baseFull - the blob ids of the job's last full snapshot (for differential; none means nothing is reused), read one partition at a time
 */
export async function dedupViewFor(type: BackupType, stored: DedupView | undefined, baseFull?: AsyncIterable<string>): Promise<DedupView> {
  if (type === BackupType.Incremental && stored) return stored;
  if (type === BackupType.Differential && stored && baseFull) {
    const blobs = new Set<string>();
    for await (const blob of baseFull) if (stored.has(blob)) blobs.add(blob);
    return blobs;
  }
  return EMPTY_VIEW;
}
