/**
 * Check packs (one Map iteration): the batch's packs, staged by Plan. Every
 * level checks each pack exists, has its indexed size and was never
 * overwritten; levels that read data also download it, hash it against its
 * name, compare its sealed header with the index and authenticate every
 * blob. Problems are staged for Finalize; the output is three counts.
 */
import { DependencyMap, IssueKind, readPackData } from '../../../vault/checker/checker.js';
import { MasterIndex } from '../../../vault/index/master-index.js';
import { mapLimit } from '../../../vault/util/concurrency.js';
import { readsPackData } from '../../verification/levels.js';
import { inspectPack, type PackProblem } from '../../verification/pack-state.js';
import type { WorkflowDeps } from '../deps.js';
import { readListItem } from '../../../vault/staging/staged-list.js';
import { writeBatchProblems } from './staged.js';
import type { CheckBatchInput, CheckBatchOutput, PlannedPack } from './types.js';

const HEAD_CONCURRENCY = 16;
const READ_CONCURRENCY = 4;

/** Runs one Check packs iteration. */
export async function checkPackBatch(deps: WorkflowDeps, input: CheckBatchInput): Promise<CheckBatchOutput> {
  const { run, batch } = input;
  const vault = await deps.vault();
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
    const noSnapshots = new DependencyMap([]);
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
  if (problems.length > 0) await writeBatchProblems(vault, run.run_id, batch, problems.sort((a, b) => a.pack.localeCompare(b.pack)));
  return { c: packs.length, b: bytes, i: problems.length };
}
