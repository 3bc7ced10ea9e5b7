/**
 * Check packs (one child execution of the Distributed Map): pack batches of
 * the list Plan staged, one after the other. Every level checks each pack
 * exists, has its indexed size and was never overwritten; levels that read
 * data also download it, hash it against its name, compare its sealed
 * header with the index and authenticate every blob. Each batch stages its
 * counts and problems for Finalize (`batch-<n>`); a batch that staged them
 * already is skipped, so a retried child redoes only what it had not done.
 */
import { DependencyMap, IssueKind, readPackData } from '../../../vault/checker/checker.js';
import { MasterIndex } from '../../../vault/index/master-index.js';
import { mapLimit } from '../../../vault/util/concurrency.js';
import { readsPackData } from '../../verification/levels.js';
import { inspectPack, type PackProblem } from '../../verification/pack-state.js';
import type { WorkflowDeps } from '../deps.js';
import { readListItem } from '../../../vault/staging/staged-list.js';
import { findBatchResult, writeBatchResult } from './staged.js';
import type { BatchOutput } from '../backup/types.js';
import type { CheckBatchInput, PlannedPack, StagedBatchResult, VerifyRun } from './types.js';
import type { Vault } from '../../../vault/repository/vault.js';
import { reportDone } from '../../catalog/progress-report.js';
import { vaultAt } from '../vault-opener.js';

/** Packs inspected at once (a version listing each). */
export const HEAD_CONCURRENCY = 16;
const READ_CONCURRENCY = 4;

/** Runs one Check packs child: each of its pack batches not checked yet. */
export async function checkPackBatches(deps: WorkflowDeps, input: CheckBatchInput): Promise<BatchOutput> {
  const run = input.BatchInput.context;
  const { bytes, skipped } = await checkStagedBatches(await vaultAt(deps, run), run, input.Items);
  // One count per child, marked by its first batch: the record takes one write per child, however many batches it checked.
  const first = input.Items[0];
  if (run.verification_id && first !== undefined) await reportDone(deps.catalog.verifications, run.verification_id, { unit: first, items: input.Items.length, bytes });
  return { items: input.Items.length, skipped };
}

/**
 * Checks each of a run's pack batches `batches` that staged no result yet
 * (a retried child redoes only the rest) and stages each one's result
 * (`batch-<n>` in the run's staging area). The verify workflow's Check packs
 * children and the backup workflow's Verify packs children run it.
 *
 * @param vault - the vault
 * @param run - the run: its staging area, level and staged pack batches
 * @param batches - indexes of the run's staged pack batches
 * @returns the bytes the batches read, and how many had been checked already
 */
export async function checkStagedBatches(vault: Vault, run: VerifyRun, batches: readonly number[]): Promise<{ bytes: number; skipped: number }> {
  let bytes = 0;
  let skipped = 0;
  for (const batch of batches) {
    const found = await findBatchResult(vault, run.run_id, batch);
    if (found) skipped += 1;
    const result = found ?? (await checkBatch(vault, run, batch));
    if (!found) await writeBatchResult(vault, run.run_id, batch, result);
    bytes += result.b;
  }
  return { bytes, skipped };
}

/** Checks one pack batch. */
async function checkBatch(vault: Vault, run: VerifyRun, batch: number): Promise<StagedBatchResult> {
  const packs = await readListItem<PlannedPack[]>(vault, run.batches, batch);
  const problems: PackProblem[] = [];
  const intact: PlannedPack[] = [];
  await mapLimit(packs, HEAD_CONCURRENCY, async (pack) => {
    const problem = await inspectPack(vault.store, pack);
    if (problem) problems.push(problem);
    else intact.push(pack);
  });

  let bytes = 0;
  if (readsPackData(run.level) && intact.length > 0) {
    const index = new MasterIndex();
    for (const id of [...new Set(intact.map((p) => p.index))]) index.addPacks(await vault.readIndex(id), id);
    const noSnapshots = new DependencyMap();
    await mapLimit(intact, READ_CONCURRENCY, async (pack) => {
      const entry = index.pack(pack.id);
      if (!entry) {
        problems.push({ pack: pack.id, kind: IssueKind.PackMissing, message: `pack ${pack.id} is no longer listed by index ${pack.index}` });
        return;
      }
      const found = await readPackData(vault, index, entry, noSnapshots);
      bytes += found.bytes;
      const first = found.issues[0];
      if (first) problems.push({ pack: pack.id, kind: first.kind, message: found.issues.map((i) => i.message).join('; ').slice(0, 500) });
    });
  }
  return { c: packs.length, b: bytes, problems: problems.sort((a, b) => a.pack.localeCompare(b.pack)) };
}
