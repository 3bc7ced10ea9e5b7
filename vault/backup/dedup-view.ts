/**
 * Which blobs a backup may reuse instead of writing again, by backup type:
 * - `incremental`: every blob in the vault's merged index;
 * - `differential`: only the blobs of the job's last full snapshot;
 * - `full`: none (it writes all its blobs afresh, sharing nothing with earlier damage).
 * Blobs written earlier in the same backup are always reused.
 */
import type { MasterIndex } from '../index/master-index.js';
import { BackupType } from '../snapshot/snapshot.js';

/** A set-like view of reusable blob ids. */
export interface DedupView {
  has(blobId: string): boolean;
}

/** Nothing is reusable. */
export const EMPTY_VIEW: DedupView = { has: () => false };

/**
 * The reusable blobs for a backup type.
 * @param index - the vault's merged index (needed for incremental and differential)
 * @param baseFull - the blob ids of the job's last full snapshot (for differential; none means nothing is reused), read one partition at a time
 */
export async function dedupViewFor(type: BackupType, index: MasterIndex | undefined, baseFull?: AsyncIterable<string>): Promise<DedupView> {
  if (type === BackupType.Incremental && index) return index;
  if (type === BackupType.Differential && index && baseFull) {
    const blobs = new Set<string>();
    for await (const blob of baseFull) if (index.has(blob)) blobs.add(blob);
    return blobs;
  }
  return EMPTY_VIEW;
}
