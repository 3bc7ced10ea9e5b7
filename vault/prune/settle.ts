/**
 * The settle phase of a sharded prune (one step, after every Join item):
 * sums each pack's counters over the shards (one row per indexed pack: the
 * memory this step needs grows with the number of packs, never with the
 * number of blobs), lists the pack objects, and decides which packs go,
 * which are repacked and which are left alone (young, held by a running
 * backup's staging, under Object Lock). Unless dry, it then lists again
 * the unindexed packs a snapshot still uses, extends kept packs' (and kept
 * backups' blob lists') Object Lock, and writes the repacked packs and their index object: every write
 * happens here, before any index object or pack is deleted (FORMAT.md §10.1).
 */
import type { BlobEntry, PackEntry } from '../index/types.js';
import { packKey } from '../pack/pack-builder.js';
import type { Vault } from '../repository/vault.js';
import { blobListKey } from '../format/layout.js';
import { isLocked } from '../storage/object-lock.js';
import { readRequiredStaged, writeStaged } from '../staging/staging.js';
import { mapLimit } from '../util/concurrency.js';
import { PruneStaged, shardOf } from './layout.js';
import type { ShardCounts } from './join.js';
import { readUsedShard } from './join.js';
import { readUsedLists, type MarkPlan } from './mark.js';
import { readPackEntry, type PackObject } from './orphans.js';
import type { PruneLocking } from './pack-locks.js';
import { repackPacks } from './repack.js';
import { emptyResult, type PruneResult } from './result.js';
import { listPackObjects } from './vault-state.js';

const READS = 8;

/** A pack about to go (deleted, or repacked then deleted), with the index objects that listed it. */
export interface DoomedPack {
  id: string;
  size: number;
  indexes: string[];
}

/** What settle staged (`settle`). */
export interface SettleOutcome {
  /** Packs to delete after the re-check (fully unused ones and repacked sources). */
  doomed: DoomedPack[];
  /** Indexed packs no longer stored: dropped from rewritten index objects. */
  dropped: string[];
  /** Index objects to rewrite (they list a doomed or dropped pack, or every one is compacted). */
  rewrite: string[];
  /** Index objects settle wrote (rescued orphans, repacked packs). */
  written: string[];
  result: PruneResult;
}

/** Settle's settings. */
export interface SettleOptions {
  now: Date;
  repackThreshold: number;
  compactAbove: number;
  dryRun: boolean;
  locking?: PruneLocking;
}

interface PackRow {
  used: number;
  unused: number;
  usedBytes: number;
  held: boolean;
  until: number;
  indexes: Set<string>;
}

/** Sums each pack's counters over every shard's `counts/<shard>`. */
async function sumCounters(vault: Vault, area: string, plan: MarkPlan): Promise<Map<string, PackRow>> {
  const rows = new Map<string, PackRow>();
  const shards = Array.from({ length: plan.shards }, (_, s) => s);
  await mapLimit(shards, READS, async (shard) => {
    const counts = await readRequiredStaged<ShardCounts>(vault, area, PruneStaged.counts(shard));
    for (const [id, [used, unused, usedBytes, , held, until]] of Object.entries(counts.packs)) {
      let row = rows.get(id);
      if (!row) rows.set(id, (row = { used: 0, unused: 0, usedBytes: 0, held: false, until: 0, indexes: new Set() }));
      row.used += used;
      row.unused += unused;
      row.usedBytes += usedBytes;
      row.held ||= held === 1;
      row.until = Math.max(row.until, until);
      for (const index of counts.indexes[id] ?? []) row.indexes.add(index);
    }
  });
  return rows;
}

/**
 * Settle: decide, and (unless dry) write what must exist before anything is deleted.
 *
 * @returns what it staged as `settle`
 */
export async function settlePacks(vault: Vault, area: string, plan: MarkPlan, options: SettleOptions): Promise<SettleOutcome> {
  const { now } = options;
  const young = (at: Date) => now.getTime() - at.getTime() < plan.grace_ms;
  const rows = await sumCounters(vault, area, plan);
  const objects = await listPackObjects(vault);
  const stored = new Set(objects.map((o) => o.id));
  const result = emptyResult(options.dryRun);
  result.staging_swept = plan.stale.length;
  const candidates: Array<{ object: PackObject; row: PackRow | undefined }> = [];
  for (const object of objects) {
    result.packs_total += 1;
    result.bytes_total += object.size;
    const row = rows.get(object.id);
    const unusedBytes = object.size - (row?.usedBytes ?? 0);
    if (unusedBytes <= 0 || (row && row.unused === 0)) continue;
    result.bytes_unused += unusedBytes;
    const fullyUnused = !row || row.used === 0;
    if (!fullyUnused && unusedBytes / object.size < options.repackThreshold) continue;
    // Held by a running backup's staging or a young index object, or young itself: left alone.
    if (row?.held || young(object.lastModified)) result.packs_untouchable += 1;
    else candidates.push({ object, row });
  }
  const locked = await findLocked(options.locking, candidates.map((c) => c.object.id), now);
  result.packs_untouchable += locked.size;
  const chosen = candidates.filter((c) => !locked.has(c.object.id));
  const toDelete = chosen.filter((c) => !c.row || c.row.used === 0);
  const toRepack = chosen.filter((c) => c.row && c.row.used > 0);
  const dropped = [...rows.keys()].filter((id) => !stored.has(id));
  const outcome: SettleOutcome = { doomed: [], dropped, rewrite: [], written: [], result };
  const rewrite = new Set<string>();
  const doom = (object: PackObject, row: PackRow | undefined) => {
    outcome.doomed.push({ id: object.id, size: object.size, indexes: [...(row?.indexes ?? [])] });
    for (const index of row?.indexes ?? []) rewrite.add(index);
  };

  // Unindexed packs a snapshot still uses (a prune that stopped midway) are listed again, not deleted.
  const orphans = toDelete.filter((c) => !c.row);
  const headers = options.dryRun ? new Map<string, PackEntry>() : new Map((await mapLimit([...orphans, ...toRepack], READS, (c) => readPackEntry(vault, c.object))).map((e) => [e.id, e]));
  const usedOf = options.dryRun ? new Map<string, BlobEntry[]>() : await usedBlobsOf(vault, area, plan, [...headers.values()]);
  const rescued = orphans.filter((c) => (usedOf.get(c.object.id)?.length ?? 0) > 0).map((c) => headers.get(c.object.id)!);
  const rescuedIds = new Set(rescued.map((p) => p.id));
  for (const c of toDelete) if (!rescuedIds.has(c.object.id)) doom(c.object, c.row);
  for (const c of toRepack) doom(c.object, c.row);
  result.packs_repacked = toRepack.length;
  result.packs_deleted = outcome.doomed.length;
  result.bytes_deleted = outcome.doomed.reduce((n, p) => n + p.size, 0);
  for (const id of dropped) for (const index of rows.get(id)!.indexes) rewrite.add(index);
  const eligible = plan.indexes.filter((i) => !i.held);
  if (eligible.length > options.compactAbove) for (const index of eligible) rewrite.add(index.id);
  for (const index of plan.indexes) if (index.held) rewrite.delete(index.id);
  outcome.rewrite = [...rewrite].sort();
  result.indexes_deleted = outcome.rewrite.length;

  if (!options.dryRun) {
    if (rescued.length > 0) {
      outcome.written.push(await vault.writeIndex(rescued));
      result.packs_rescued += rescued.length;
    }
    if (options.locking) {
      const doomedIds = new Set(outcome.doomed.map((p) => p.id));
      const extend = [...rows].filter(([id, row]) => stored.has(id) && !doomedIds.has(id) && row.until > now.getTime());
      const changed = await mapLimit(extend, READS, ([id, row]) => options.locking!.locker.extend(packKey(id), new Date(row.until)));
      // The kept backups' blob lists are locked as long as their packs.
      const lists = [...((await readUsedLists(vault, area, plan)) ?? [])].filter(([, until]) => until > now.getTime());
      const changedLists = await mapLimit(lists, READS, ([id, until]) => options.locking!.locker.extend(blobListKey(id), new Date(until)));
      result.locks_extended = [...changed, ...changedLists].filter(Boolean).length;
    }
    const repacked = await repackPacks(vault, toRepack.map((c) => ({ pack: headers.get(c.object.id)!, used: usedOf.get(c.object.id) ?? [] })), result);
    outcome.written.push(...repacked);
    result.indexes_written += outcome.written.length;
  }
  await writeStaged(vault, area, PruneStaged.settle, outcome);
  return outcome;
}

/**
 * The used blobs of each pack, found shard by shard (one shard's used set
 * in memory at a time).
 */
async function usedBlobsOf(vault: Vault, area: string, plan: MarkPlan, packs: readonly PackEntry[]): Promise<Map<string, BlobEntry[]>> {
  const byShard = new Map<number, Array<{ pack: string; blob: BlobEntry }>>();
  for (const pack of packs) {
    for (const blob of pack.blobs) {
      const shard = shardOf(blob.id, plan.digits);
      const list = byShard.get(shard);
      if (list) list.push({ pack: pack.id, blob });
      else byShard.set(shard, [{ pack: pack.id, blob }]);
    }
  }
  const out = new Map<string, BlobEntry[]>(packs.map((p) => [p.id, []]));
  for (const [shard, blobs] of byShard) {
    const used = await readUsedShard(vault, area, shard);
    for (const { pack, blob } of blobs) if (used.has(blob.id)) out.get(pack)!.push(blob);
  }
  for (const list of out.values()) list.sort((a, b) => a.offset - b.offset);
  return out;
}

/** Packs under Object Lock (none without Object Lock). */
async function findLocked(locking: PruneLocking | undefined, ids: readonly string[], now: Date): Promise<Set<string>> {
  const locked = new Set<string>();
  if (!locking) return locked;
  await mapLimit(ids, READS, async (id) => {
    if (isLocked(await locking.locker.retention(packKey(id)), now)) locked.add(id);
  });
  return locked;
}

/** The staged settle outcome. */
export function readSettle(vault: Vault, area: string): Promise<SettleOutcome> {
  return readRequiredStaged<SettleOutcome>(vault, area, PruneStaged.settle);
}
