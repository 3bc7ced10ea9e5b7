/**
 * Restore partitions (one Distributed Map child: a batch of partition
 * indexes): for each, read the partition's name from the staged list by
 * index and the destination from the staged plan, then stream the partition
 * out of the vault, verified blob by blob and against the partition's size
 * and SHA-256, into the target, and stage what it restored
 * (`restored-<n>`, which Validate sums). A partition whose result is staged
 * is skipped, so a retried batch redoes only what it had not finished.
 */
import { openSnapshot, restorePartition, type OpenedSnapshot } from '../../../vault/restore/restorer.js';
import type { Vault } from '../../../vault/repository/vault.js';
import type { WorkflowDeps } from '../deps.js';
import { readListItem } from '../../../vault/staging/staged-list.js';
import { readStaged, writeStaged } from '../../../vault/staging/staging.js';
import { reportDone } from '../../catalog/progress-report.js';
import { readRestorePlan } from './staged-plan.js';
import type { BatchOutput } from '../backup/types.js';
import type { PartitionRestored, RestoreBatchInput, RestoreContext, RestorePartitionInput } from './types.js';

/**
 * The staged name of what partition `index` of a restore restored.
 *
 * @param index - the partition's index in the staged list
 * @returns `restored-<index, five digits>`
 */
export function restoredName(index: number): string {
  return `restored-${String(index).padStart(5, '0')}`;
}

/** Runs one Restore partitions child: every partition of its batch not restored yet, in order. */
export async function restoreBatch(deps: WorkflowDeps, input: RestoreBatchInput): Promise<BatchOutput> {
  const { context } = input.BatchInput;
  const vault = await deps.vault();
  let skipped = 0;
  let bytes = 0;
  for (const index of input.Items) {
    const earlier = await readStaged<PartitionRestored>(vault, context.restore_id, restoredName(index));
    if (earlier) skipped += 1;
    const restored = earlier ?? (await restoreOnePartition(deps, { context, index }));
    if (!earlier) await writeStaged(vault, context.restore_id, restoredName(index), restored);
    bytes += restored.b;
  }
  // Run progress: one atomic count per child, marked by its first partition (control/catalog/progress-counts.ts), so a retried batch counts once.
  const first = input.Items[0];
  if (first !== undefined) await reportDone(deps.catalog.restores, context.restore_id, { unit: first, items: input.Items.length, bytes });
  return { items: input.Items.length, skipped };
}

/** Restores one partition (the restore workflow's batches and verify's test restore). */
export async function restoreOnePartition(deps: WorkflowDeps, input: RestorePartitionInput): Promise<PartitionRestored> {
  const { context } = input;
  const vault = await deps.vault();
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
