/**
 * The join phase of a sharded prune: each Join item takes a few blob
 * shards, loads the used blob ids Mark staged for them, reads every index
 * object Plan saw once, and stages per shard how many of each pack's blobs
 * in that shard are used and unused (`counts/<shard>`). A child holds its
 * shards' used sets and one counter row per pack.
 */
import type { Vault } from '../repository/vault.js';
import { ObjectNotFoundError } from '../storage/errors.js';
import { readRequiredStaged, writeStaged } from '../staging/staging.js';
import { mapLimit } from '../util/concurrency.js';
import { PruneStaged, shardOf } from './layout.js';
import type { MarkPlan, UsedShard } from './mark.js';

const READS = 8;

/** One pack's counters in one shard: used and unused blobs and bytes, held (0/1), latest retention date (ms) of a used blob. */
export type PackCounters = [used: number, unused: number, usedBytes: number, unusedBytes: number, held: number, until: number];

/** What one shard's join staged. */
export interface ShardCounts {
  packs: Record<string, PackCounters>;
  /** Pack id → the index objects listing it. */
  indexes: Record<string, string[]>;
}

/** The used blobs of a shard (Mark's items merged), each with its retention date (ms, 0 without). */
export async function readUsedShard(vault: Vault, area: string, shard: number): Promise<Map<string, number>> {
  const prefix = `staging/${area}/`;
  const names: string[] = [];
  for await (const info of vault.store.list(`${prefix}${PruneStaged.usedPrefix(shard)}`)) names.push(info.key.slice(prefix.length));
  const used = new Map<string, number>();
  await mapLimit(names, READS, async (name) => {
    const part = await readRequiredStaged<UsedShard>(vault, area, name);
    part.ids.forEach((id, i) => used.set(id, Math.max(used.get(id) ?? 0, part.until?.[i] ?? 0)));
  });
  return used;
}

/**
 * One Join item: stages `counts/<shard>` for each of `shards`. An index
 * object gone since Plan (rewritten by a concurrent prune) is skipped: its
 * packs are held by the rewrite's youth.
 */
export async function joinShards(vault: Vault, area: string, plan: MarkPlan, shards: readonly number[]): Promise<void> {
  const used = new Map<number, Map<string, number>>();
  for (const shard of shards) used.set(shard, await readUsedShard(vault, area, shard));
  const counts = new Map(shards.map((s) => [s, { packs: {}, indexes: {} } as ShardCounts]));
  await mapLimit(plan.indexes, READS, async (index) => {
    const packs = await vault.readIndex(index.id).catch((error: unknown) => {
      if (error instanceof ObjectNotFoundError) return [];
      throw error;
    });
    for (const pack of packs) {
      for (const blob of pack.blobs) {
        const shard = shardOf(blob.id, plan.digits);
        const out = counts.get(shard);
        if (!out) continue;
        const row = (out.packs[pack.id] ??= [0, 0, 0, 0, 0, 0]);
        const until = used.get(shard)!.get(blob.id);
        if (until === undefined) {
          row[1] += 1;
          row[3] += blob.length;
        } else {
          row[0] += 1;
          row[2] += blob.length;
          row[5] = Math.max(row[5], until);
        }
        if (index.held) row[4] = 1;
        const listing = (out.indexes[pack.id] ??= []);
        if (!listing.includes(index.id)) listing.push(index.id);
      }
    }
  });
  await mapLimit([...counts], READS, ([shard, out]) => writeStaged(vault, area, PruneStaged.counts(shard), out));
}
