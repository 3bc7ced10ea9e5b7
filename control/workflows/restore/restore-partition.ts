/**
 * Restore partitions (one Distributed Map child: a batch of partition
 * indexes): for each, read the partition's name from the staged list by
 * index and the destination from the staged plan, then stream the partition
 * out of the vault, verified blob by blob and against the partition's size
 * and digest, into the target; then stage what the batch restored
 * (`restored-<first index>`, which Validate sums: one object per batch, not
 * per partition, so 20,000 partitions cost 40,000 fewer requests). A batch
 * whose result is staged is skipped, so a retried batch that had finished is
 * cheap; one that failed midway restores its partitions again (targets
 * write idempotently under every conflict policy but `fail_if_exists`, which
 * Plan checked on an empty target).
 */
import { openSnapshot, restorePartition, type OpenedSnapshot } from '../../../vault/restore/restorer.js';
import type { Vault } from '../../../vault/repository/vault.js';
import type { WorkflowDeps } from '../deps.js';
import { readListItem } from '../../../vault/staging/staged-list.js';
import { readStaged, writeStaged } from '../../../vault/staging/staging.js';
import { reportDone } from '../../catalog/progress-report.js';
import { readRestorePlan } from './staged-plan.js';
import type { BatchOutput } from '../backup/types.js';
import type { PartitionRestored, RestoreBatchInput, RestoreContext, RestoredBatch, RestorePartitionInput } from './types.js';
import { vaultAt } from '../vault-opener.js';

/**
 * The staged name of what the restore batch whose first partition is `first` restored.
 *
 * @param first - the batch's first partition index in the staged list
 * @returns `restored-<first, five digits>`
 */
export function restoredName(first: number): string {
  return `restored-${String(first).padStart(5, '0')}`;
}

/** Runs one Restore partitions child: every partition of its batch not restored yet, in order. */
export async function restoreBatch(deps: WorkflowDeps, input: RestoreBatchInput): Promise<BatchOutput> {
  const { context } = input.BatchInput;
  const first = input.Items[0];
  if (first === undefined) return { items: 0, skipped: 0 };
  const vault = await vaultAt(deps, context);
  const earlier = await readStaged<RestoredBatch>(vault, context.restore_id, restoredName(first));
  let restored = earlier;
  if (!restored) {
    restored = { items: 0, r: 0, s: 0, b: 0 };
    for (const index of input.Items) {
      const partition = await restoreOnePartition(deps, { context, index });
      restored = { items: restored.items + 1, r: restored.r + partition.r, s: restored.s + partition.s, b: restored.b + partition.b };
    }
    await writeStaged(vault, context.restore_id, restoredName(first), restored);
  }
  // Run progress: one atomic count per child, marked by its first partition (control/catalog/progress-counts.ts), so a retried batch counts once.
  await reportDone(deps.catalog.restores, context.restore_id, { unit: first, items: input.Items.length, bytes: restored.b });
  return { items: input.Items.length, skipped: earlier ? input.Items.length : 0 };
}

/** Restores one partition (the restore workflow's batches and verify's test restore). */
export async function restoreOnePartition(deps: WorkflowDeps, input: RestorePartitionInput): Promise<PartitionRestored> {
  const { context } = input;
  const vault = await vaultAt(deps, context);
  const name = await readListItem<string>(vault, context.partitions, input.index);
  const plan = await readRestorePlan(vault, context);
  const opened = await openedSnapshot(vault, context);
  const target = deps.target({ ...plan.destination, ...(plan.select ? { select: plan.select } : {}) });
  let bytes = 0;
  const stream = restorePartition(vault, opened.index, opened.snapshot, name, { onProgress: (n) => (bytes = n) });
  const result = await target.restore(stream, { conflict_policy: context.conflict_policy });
  return { r: result.records, s: result.skipped, b: bytes };
}

const opened = new WeakMap<Vault, Map<string, Promise<OpenedSnapshot>>>();
const CACHED_SNAPSHOTS = 4;

/** A restore's snapshot and the vault's index, read once per container and restore (a batch restores many partitions of one snapshot). */
function openedSnapshot(vault: Vault, context: Pick<RestoreContext, 'restore_id' | 'snapshot_id'>): Promise<OpenedSnapshot> {
  let byRestore = opened.get(vault);
  if (!byRestore) opened.set(vault, (byRestore = new Map()));
  const key = `${context.restore_id}/${context.snapshot_id}`;
  let open = byRestore.get(key);
  if (!open) {
    if (byRestore.size >= CACHED_SNAPSHOTS) byRestore.delete(byRestore.keys().next().value!);
    open = openSnapshot(vault, context.snapshot_id);
    byRestore.set(key, open);
    open.catch(() => byRestore.delete(key));
  }
  return open;
}
