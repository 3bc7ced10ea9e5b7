/**
 * Export partitions (one Distributed Map child: a batch of partition
 * indexes): one engine session for the batch streams each partition (its
 * spec read from the staged list by index) through chunk → compress →
 * encrypt → pack upload, writes one index object for the batch's packs and
 * one blob-list object for its partitions' chunk ids (FORMAT.md §9.2), and
 * stages one manifest for the batch (`partition-<first index>`, FORMAT.md
 * §10) holding each partition's record, which names the list. Idempotent: a batch whose manifest
 * exists is skipped, so a retried batch that had finished is cheap; one
 * running twice at once writes its own packs and the same manifest, so
 * either copy commits complete partitions. One object per batch, not per
 * partition: at 20,000 partitions, per-partition objects would cost Commit
 * 40,000 requests and the vault 20,000 index objects.
 */
import type { SourceConfig } from '../../catalog/types.js';
import { openSession, type BlobIdsLoader } from '../../../vault/backup/run-backup.js';
import type { BlobIdSet } from '../../../vault/index/blob-id-set.js';
import type { BackupSession } from '../../../vault/backup/backup-session.js';
import { sha256Hex } from '../../../vault/crypto/hash.js';
import type { PartitionPlan, RecordCounter } from '../../../sources/source.js';
import type { Vault } from '../../../vault/repository/vault.js';
import type { WorkflowDeps } from '../deps.js';
import { readListItem } from '../../../vault/staging/staged-list.js';
import { reportDone } from '../../catalog/progress-report.js';
import { partitionManifestName, readRequiredStaged, readStaged, writeStaged, type StagedPartition, type StagedPlan } from '../../../vault/staging/staging.js';
import type { BackupContext, BatchOutput, ExportBatchInput } from './types.js';
import { vaultAt } from '../vault-opener.js';
import { importCurrentSnapshot } from './hold-snapshot.js';

/**
 * The planned partition of an index.
 *
 * @param vault - the vault
 * @param context - the backup's context (names the staged list)
 * @param index - the partition's index
 * @returns the partition's name and spec
 * @throws StagingError for an index outside the plan, or a plan no longer staged
 */
export function plannedPartition(vault: Vault, context: BackupContext, index: number): Promise<PartitionPlan> {
  return readListItem<PartitionPlan>(vault, context.partitions, index);
}

/** Runs one Export partitions child: the batch's partitions in one session, its manifest, then one progress count for the batch. */
export async function exportBatch(deps: WorkflowDeps, input: ExportBatchInput): Promise<BatchOutput> {
  const { context } = input.BatchInput;
  const first = input.Items[0];
  if (first === undefined) return { items: 0, skipped: 0 };
  const vault = await vaultAt(deps, input.BatchInput.context);
  const manifestName = partitionManifestName(first);
  const existing = await readStaged<StagedPartition>(vault, context.backup_id, manifestName);
  const staged = existing ?? (await exportPartitions(deps, vault, context, input.Items));
  if (!existing) await writeStaged(vault, context.backup_id, manifestName, staged);
  // One atomic count per child, marked by its first partition (control/catalog/progress-counts.ts): a retried batch counts once.
  await reportDone(deps.catalog.executions, context.execution_id, { unit: first, items: input.Items.length, bytes: staged.counts.bytes_read });
  return { items: input.Items.length, skipped: existing ? input.Items.length : 0 };
}

/** Backs up the partitions of `indexes`, in order, in one session. */
async function exportPartitions(deps: WorkflowDeps, vault: Vault, context: BackupContext, indexes: readonly number[]): Promise<StagedPartition> {
  const plan = await stagedPlan(vault, context.backup_id);
  const session = await openBatchSession(vault, context, plan.index_ids);
  const source = deps.source(plan.source);
  for (const index of indexes) {
    await importCurrentSnapshot(vault, context.backup_id, source);
    const partition = await plannedPartition(vault, context, index);
    const counter: RecordCounter = { records: 0 };
    await session.backupPartition(partition.name, source.export(partition, counter), { records: () => counter.records });
  }
  const result = await session.finish();
  return { partitions: result.partitions, index_ids: result.index_ids, counts: result.counts };
}

/**
 * A batch's backup session: the plan's type and dedup rules, deduplicating
 * against the blob ids of the plan's index objects, kept by this container
 * for the backup's next batches ({@link keptBlobIds}).
 *
 * @param vault - the vault
 * @param context - the backup's type, base full and compression
 * @param indexIds - the index objects the Plan saw
 */
export function openBatchSession(vault: Vault, context: Pick<BackupContext, 'type' | 'base_full' | 'compression'>, indexIds: readonly string[]): Promise<BackupSession> {
  return openSession(vault, { type: context.type, baseFull: context.base_full, indexIds }, { compression: context.compression }, keptBlobIds);
}

const plans = new Map<string, Promise<StagedPlan<SourceConfig>>>();

/** The staged plan of a backup, read once per container (every iteration of a backup needs it). */
function stagedPlan(vault: Vault, backupId: string): Promise<StagedPlan<SourceConfig>> {
  let plan = plans.get(backupId);
  if (!plan) {
    if (plans.size >= 16) plans.delete(plans.keys().next().value!);
    plan = readRequiredStaged<StagedPlan<SourceConfig>>(vault, backupId, 'plan');
    plans.set(backupId, plan);
    plan.catch(() => plans.delete(backupId));
  }
  return plan;
}

/** The blob ids last loaded in this container, and what they were loaded from. */
let kept: { key: string; ids: Promise<BlobIdSet> } | undefined;

/**
 * The vault's blob ids for a backup's plan, kept per container (one entry:
 * the last vault and plan index ids). A warm container runs the next batch
 * of the same backup without reading the index again; another backup (or
 * vault) replaces the entry, dropped before the new load so that two sets
 * are never held at once. The plan's index ids name immutable objects, so
 * the same ids always load the same set.
 */
const keptBlobIds: BlobIdsLoader = (vault, indexIds) => {
  // Without plan ids (every index object, as listed now) nothing is kept: the list changes.
  if (indexIds === undefined) return vault.loadBlobIds();
  const key = `${vault.store.uri}\n${vault.config.id}\n${sha256Hex(Buffer.from(indexIds.join(',')))}`;
  if (kept?.key !== key) {
    kept = undefined;
    const entry = { key, ids: vault.loadBlobIds(indexIds) };
    entry.ids.catch(() => {
      if (kept === entry) kept = undefined;
    });
    kept = entry;
  }
  return kept.ids;
};
