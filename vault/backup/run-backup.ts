/**
 * Backup orchestration over one vault: choose what may be reused, stream
 * every partition through a session, then commit the snapshot. The snapshot
 * is written last, after every pack, index object and blob list is stored.
 */
import type { CompressionConfig } from '../compression/settings.js';
import { BackupType, makeStats, type Snapshot } from '../snapshot/snapshot.js';
import { SNAPSHOT_FORMAT_VERSION } from '../format/version.js';
import { BlobLists } from '../repository/partition-blobs.js';
import type { StoredSnapshot, Vault } from '../repository/vault.js';
import type { BlobIdSet } from '../index/blob-id-set.js';
import { BackupSession, type BackupProgress, type PartitionOptions, type SessionResult } from './backup-session.js';
import { dedupViewFor } from './dedup-view.js';

/** What to back up and how. */
export interface BackupRequest {
  backupId: string;
  jobId: string;
  type: BackupType;
  /** Non-secret description of the source (kind, table, bucket…). */
  source: Record<string, unknown>;
  compression: CompressionConfig;
  concurrency?: number;
  onProgress?: (progress: BackupProgress) => void;
}

/** One partition's stream. */
export interface PartitionInput {
  name: string;
  source: AsyncIterable<Uint8Array>;
  options?: PartitionOptions;
}

/** A session plus the type it really runs as and its parent snapshot. */
export interface PlannedSession {
  session: BackupSession;
  /** A differential with no full to follow runs as a full. */
  type: BackupType;
  parent: string | null;
}

/** Opens a backup session with the dedup view its type calls for. */
export async function planSession(vault: Vault, request: BackupRequest): Promise<PlannedSession> {
  const plan = await resolvePlan(vault, request.jobId, request.type);
  return { session: await openSession(vault, plan, request), type: plan.type, parent: plan.parent };
}

/**
 * A type already resolved by a planner, as a distributed worker receives it.
 * Workers pass the index ids the planner saw, so 1,000 parallel workers
 * don't each read the index objects their siblings are writing.
 */
export interface ResolvedPlan {
  type: BackupType;
  /** The job's last full snapshot (differential only). */
  baseFull: string | null;
}

/** Loads the blob ids of the given index objects (all of them when none are given). */
export type BlobIdsLoader = (vault: Vault, indexIds: readonly string[] | undefined) => Promise<BlobIdSet>;

/** Loads them afresh each time: `Vault.loadBlobIds`. */
const loadBlobIds: BlobIdsLoader = (vault, indexIds) => vault.loadBlobIds(indexIds);

/**
 * Opens a session for a plan resolved elsewhere (each partition worker of a
 * workflow opens its own; all share the plan's dedup rules). Dedup asks a
 * compact set of the vault's blob ids (`vault/index/blob-id-set.ts`), never
 * a `MasterIndex` of blob locations; a full loads none.
 *
 * @param load - how the blob ids are loaded (a worker may keep them between sessions of one backup)
 */
export async function openSession(
  vault: Vault,
  plan: ResolvedPlan & { indexIds?: readonly string[] },
  request: Pick<BackupRequest, 'compression' | 'concurrency' | 'onProgress'>,
  load: BlobIdsLoader = loadBlobIds,
): Promise<BackupSession> {
  const stored = plan.type === BackupType.Full ? undefined : await load(vault, plan.indexIds);
  const baseFull = plan.type === BackupType.Differential && plan.baseFull ? await vault.readSnapshot(plan.baseFull) : undefined;
  return new BackupSession(vault, {
    compression: request.compression,
    dedup: await dedupViewFor(plan.type, stored, baseFull && new BlobLists(vault).blobsOf(baseFull)),
    ...(request.concurrency ? { concurrency: request.concurrency } : {}),
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
}

/**
 * Resolves what a backup of a job runs as: a differential with no full runs
 * as a full; the parent is the job's previous snapshot (the base full for a differential).
 */
export async function resolvePlan(vault: Vault, jobId: string, type: BackupType): Promise<ResolvedPlan & { parent: string | null }> {
  const all = (await vault.listSnapshots()).filter((s) => s.snapshot.job_id === jobId);
  const previous = all[all.length - 1];
  if (type !== BackupType.Differential) return { type, baseFull: null, parent: previous?.id ?? null };
  const full = all.filter((s) => s.snapshot.type === BackupType.Full).pop();
  return full ? { type, baseFull: full.id, parent: full.id } : { type: BackupType.Full, baseFull: null, parent: previous?.id ?? null };
}

/** Merges session results into a snapshot and writes it: the commit point. */
export async function commitSnapshot(
  vault: Vault,
  request: Pick<BackupRequest, 'backupId' | 'jobId' | 'source'>,
  plan: Pick<PlannedSession, 'type' | 'parent'>,
  results: readonly SessionResult[],
): Promise<StoredSnapshot> {
  const sum = (key: keyof SessionResult['counts']) => results.reduce((n, r) => n + r.counts[key], 0);
  const snapshot: Snapshot = {
    format_version: SNAPSHOT_FORMAT_VERSION,
    backup_id: request.backupId,
    job_id: request.jobId,
    source: request.source,
    created_at: new Date().toISOString(),
    type: plan.type,
    parent: plan.parent,
    partitions: results.flatMap((r) => r.partitions),
    stats: makeStats({
      bytes_read: sum('bytes_read'),
      bytes_new: sum('bytes_new'),
      bytes_stored: sum('bytes_stored'),
      blobs_total: sum('blobs_total'),
      blobs_new: sum('blobs_new'),
      packs_written: sum('packs_written'),
    }),
    index_ids: results.flatMap((r) => r.index_ids),
  };
  const id = await vault.writeSnapshot(snapshot);
  return { id, snapshot };
}

/** Backs up partitions in one session and commits the snapshot. */
export async function runBackup(vault: Vault, request: BackupRequest, partitions: readonly PartitionInput[]): Promise<StoredSnapshot> {
  const plan = await planSession(vault, request);
  for (const partition of partitions) await plan.session.backupPartition(partition.name, partition.source, partition.options);
  const result = await plan.session.finish();
  return commitSnapshot(vault, request, plan, [result]);
}
