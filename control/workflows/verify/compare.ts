/**
 * Compare: the restore's own checks (every partition's bytes matched its
 * SHA-256 as they left the vault; restored records and bytes add up to the
 * snapshot's, see the restore workflow's Validate) and then the scratch
 * target read back through the backup source, whose record count must equal
 * the snapshot's. A partition that failed to restore fails the comparison.
 * The partitions' results are the ones Restore into scratch staged, one
 * object per batch.
 */
import { sourceConfigOf } from '../../../sources/config.js';
import type { RestoreContext } from '../restore/types.js';
import { readScratchResults } from './staged.js';
import type { VerifyRun } from './types.js';
import { validateRestore } from '../restore/validate.js';
import { readRestorePlan } from '../restore/staged-plan.js';
import type { WorkflowDeps } from '../deps.js';
import { VerificationFailedError } from '../errors.js';
import type { CompareOutput } from './types.js';
import { vaultAt } from '../vault-opener.js';

async function countRecords(deps: WorkflowDeps, destination: Record<string, unknown>): Promise<number> {
  const source = deps.source(sourceConfigOf(destination, { consistent_read: true }));
  let records = 0;
  for (const partition of await source.plan()) {
    const counter = { records: 0 };
    for await (const chunk of source.export(partition, counter)) void chunk;
    records += counter.records;
  }
  return records;
}

/** Runs the Compare step. */
export async function compareScratch(deps: WorkflowDeps, input: { context: RestoreContext; run: VerifyRun }): Promise<CompareOutput> {
  const vault = await vaultAt(deps, input.run);
  const results = await readScratchResults(vault, input.run.run_id);
  const count = input.context.partitions.count;
  const ended = results.reduce((n, batch) => n + batch.items, 0);
  if (ended !== count) throw new VerificationFailedError(`test restore of ${input.context.backup_id}: ${ended} of ${count} partitions staged what they restored (was the staging area cleared?)`);
  const failed = results.flatMap((batch) => batch.failed);
  if (failed.length > 0) {
    const names = [...new Set(failed)].join(', ');
    throw new VerificationFailedError(`test restore of ${input.context.backup_id}: ${failed.length} of ${count} partitions failed to restore (${names})`);
  }
  const validation = await validateRestore(deps, { context: input.context, restored: results });
  const { destination } = await readRestorePlan(vault, input.context);
  const counted = await countRecords(deps, destination);
  if (counted !== input.context.records_expected) {
    throw new VerificationFailedError(`test restore of ${input.context.backup_id}: the scratch target holds ${counted} records, the backup ${input.context.records_expected}`);
  }
  return { records_expected: input.context.records_expected, records_restored: validation.records_restored, records_counted: counted, bytes: validation.data_size };
}
