/**
 * The stored cursor of sample rotation: where the previous sample run of
 * the same scope (the same backup, or any sweep) ended its window, read
 * from that run's verification record (`result.sample.end`).
 */
import type { Catalog } from '../../catalog/catalog.js';
import { RecordStatus } from '../../catalog/status.js';
import type { VerificationRecord } from '../../catalog/types.js';
import { VerificationLevel } from '../../verification/levels.js';

const FINISHED: readonly string[] = [RecordStatus.Completed, RecordStatus.Failed];

function hasWindow(record: VerificationRecord): boolean {
  return FINISHED.includes(record.status) && typeof record.result?.sample?.end === 'number';
}

/**
 * @param catalog - the catalog
 * @param scope - a backup id, or `sweep` for the sweeps' shared rotation
 * @returns the cursor, in `[0, 1)`; 0 when no sample run finished before
 */
export async function sampleCursor(catalog: Catalog, scope: string): Promise<number> {
  const sweep = scope === 'sweep';
  let cursor: string | null = null;
  do {
    const page = await catalog.verifications.list({ verification_type: VerificationLevel.Sample, limit: 100, cursor, ...(sweep ? {} : { backup_id: scope }) });
    const previous = page.items.find((r) => hasWindow(r) && Boolean(r.sweep_id) === sweep);
    if (previous) return previous.result!.sample!.end;
    cursor = page.next_cursor;
  } while (cursor);
  return 0;
}
