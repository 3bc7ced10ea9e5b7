/**
 * The mark phase of a sharded prune: Plan lists snapshots and index objects
 * and fixes the shard count; each Mark item reads a batch of snapshots and
 * stages the blob ids they use, split by shard (`used/<shard>/<item>`), so
 * no step holds the whole vault's used set, and the blob-list objects they
 * reference (`used-lists/<item>`), which the re-check keeps.
 */
import type { Vault } from '../repository/vault.js';
import { SnapshotNotFoundError } from '../repository/errors.js';
import { BlobLists, blobListIds } from '../repository/partition-blobs.js';
import { readRequiredStaged, readStaged, writeStaged } from '../staging/staging.js';
import { mapLimit } from '../util/concurrency.js';
import { PRUNE_LAYOUT, PruneStaged, shardDigitsFor, shardOf } from './layout.js';
import type { PruneLocking } from './pack-locks.js';
import { readStaging, type BackupLiveness } from './vault-state.js';

const READS = 8;

/** One index object as Plan saw it. */
export interface PlannedIndex {
  id: string;
  /** Young or named by an in-progress backup's staging: its packs are left alone and it is not rewritten. */
  held: boolean;
}

/** What Plan staged (`plan`): the first look every later phase compares with. */
export interface MarkPlan {
  planned_at: string;
  grace_ms: number;
  /** Leading hex digits of a shard (16 ** digits shards). */
  digits: number;
  shards: number;
  /** Snapshots per Mark item. */
  per_item: number;
  /** How many Mark items. */
  items: number;
  snapshot_ids: string[];
  indexes: PlannedIndex[];
  /** Staging areas older than the grace period whose run ended (swept at the end). */
  stale: string[];
}

/** The blob lists one Mark item's snapshots reference (`used-lists/<item>`). */
export interface UsedLists {
  /** List ids, sorted, unique. */
  ids: string[];
  /** With Object Lock: per id, the latest retention date (ms) of a backup using it; 0 when none. */
  until?: number[];
}

/** What one Mark item staged per shard. */
export interface UsedShard {
  /** Used blob ids of the shard, sorted, unique. */
  ids: string[];
  /** With Object Lock: per id, the latest retention date (ms) of a backup using it; 0 when none. */
  until?: number[];
}

/**
 * Plan: the first look. Lists snapshots, index objects (their age and
 * whether a running backup staged them) and staging; derives the shard
 * count from the index objects' bytes; stages the plan.
 *
 * @param area - the prune's staging area
 */
export async function planMark(vault: Vault, area: string, isRunning: BackupLiveness, now: Date, graceMs: number): Promise<MarkPlan> {
  const staging = await readStaging(vault, isRunning, now, graceMs, area);
  const snapshotIds = (await vault.listSnapshotIds()).sort();
  const indexes: PlannedIndex[] = [];
  let indexBytes = 0;
  for await (const info of vault.store.list('index/')) {
    const id = info.key.slice('index/'.length);
    indexBytes += info.size;
    indexes.push({ id, held: staging.protectedIndexes.has(id) || now.getTime() - info.lastModified.getTime() < graceMs });
  }
  const digits = shardDigitsFor(indexBytes);
  const perItem = Math.min(PRUNE_LAYOUT.maxSnapshotsPerItem, Math.max(1, Math.ceil(snapshotIds.length / PRUNE_LAYOUT.markItems)));
  const plan: MarkPlan = {
    planned_at: now.toISOString(),
    grace_ms: graceMs,
    digits,
    shards: 16 ** digits,
    per_item: perItem,
    items: Math.ceil(snapshotIds.length / perItem),
    snapshot_ids: snapshotIds,
    indexes,
    stale: staging.stale,
  };
  await writeStaged(vault, area, PruneStaged.plan, plan);
  return plan;
}

/** The staged plan. */
export function readMarkPlan(vault: Vault, area: string): Promise<MarkPlan> {
  return readRequiredStaged<MarkPlan>(vault, area, PruneStaged.plan);
}

/**
 * One Mark item: the blobs of snapshot batch `item` (read one blob list at
 * a time), staged by shard, and the blob lists they reference.
 * A snapshot forgotten meanwhile is skipped.
 *
 * @param locking - with Object Lock, each blob carries its backups' latest retention date
 */
export async function markItem(vault: Vault, area: string, plan: MarkPlan, item: number, locking?: PruneLocking): Promise<void> {
  const ids = plan.snapshot_ids.slice(item * plan.per_item, (item + 1) * plan.per_item);
  const until = new Map<string, number>();
  const lists = new Map<string, number>();
  await mapLimit(ids, READS, async (id) => {
    const snapshot = await vault.readSnapshot(id).catch((error: unknown) => {
      if (error instanceof SnapshotNotFoundError) return undefined;
      throw error;
    });
    if (!snapshot) return;
    const date = locking ? ((await locking.retainUntil(snapshot.backup_id))?.getTime() ?? 0) : 0;
    for (const list of blobListIds(snapshot)) lists.set(list, Math.max(lists.get(list) ?? 0, date));
    for await (const blob of new BlobLists(vault).blobsOf(snapshot)) until.set(blob, Math.max(until.get(blob) ?? 0, date));
  });
  const listIds = [...lists.keys()].sort();
  const usedLists: UsedLists = locking ? { ids: listIds, until: listIds.map((id) => lists.get(id)!) } : { ids: listIds };
  await writeStaged(vault, area, PruneStaged.usedLists(item), usedLists);
  const shards = new Map<number, string[]>();
  for (const blob of until.keys()) {
    const shard = shardOf(blob, plan.digits);
    const list = shards.get(shard);
    if (list) list.push(blob);
    else shards.set(shard, [blob]);
  }
  await mapLimit([...shards], READS, async ([shard, blobs]) => {
    blobs.sort();
    const used: UsedShard = locking ? { ids: blobs, until: blobs.map((b) => until.get(b)!) } : { ids: blobs };
    await writeStaged(vault, area, PruneStaged.used(shard, item), used);
  });
}

/**
 * The blob lists every Mark item's snapshots reference, each with the
 * latest retention date (ms, 0 when none) of a backup using it.
 *
 * @returns undefined when a Mark item staged no record of its lists
 */
export async function readUsedLists(vault: Vault, area: string, plan: MarkPlan): Promise<Map<string, number> | undefined> {
  const used = new Map<string, number>();
  for (let item = 0; item < plan.items; item += 1) {
    const lists = await readStaged<UsedLists>(vault, area, PruneStaged.usedLists(item));
    if (!lists) return undefined;
    lists.ids.forEach((id, i) => used.set(id, Math.max(used.get(id) ?? 0, lists.until?.[i] ?? 0)));
  }
  return used;
}
