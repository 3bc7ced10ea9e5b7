/**
 * The re-check of a sharded prune, between compaction (the old index
 * objects are gone) and the sweep (the packs go): snapshots committed,
 * backups staged and index objects written since Plan's first look rescue
 * every pack about to go they may use; it is listed again in a new index
 * object. Staging is read before snapshots (a backup commits its snapshot
 * before clearing its area, so it is seen in one or the other). What
 * remains is staged as the sweep's batches (`lists/delete/<n>`, FORMAT.md
 * §10), 1,000 object keys each: the packs, then the blob-list objects older
 * than the grace period that no snapshot (Mark's, or one committed since)
 * and no in-progress backup references (a forgotten snapshot's, a failed
 * backup's).
 */
import type { PackEntry } from '../index/types.js';
import { packKey } from '../pack/pack-builder.js';
import { blobListKey, VaultPrefix } from '../format/layout.js';
import { BlobLists, blobListIds } from '../repository/partition-blobs.js';
import type { Vault } from '../repository/vault.js';
import { SnapshotNotFoundError } from '../repository/errors.js';
import { ObjectNotFoundError } from '../storage/errors.js';
import { stageList } from '../staging/staged-list.js';
import { readRequiredStaged, writeStaged } from '../staging/staging.js';
import { mapLimit } from '../util/concurrency.js';
import type { CompactOutcome } from './compact.js';
import { PRUNE_LAYOUT, PruneStaged } from './layout.js';
import { readUsedLists, type MarkPlan } from './mark.js';
import { readPackEntry } from './orphans.js';
import type { SettleOutcome } from './settle.js';
import { readStaging, type BackupLiveness } from './vault-state.js';

const READS = 8;

/** What the re-check staged (`recheck`). */
export interface RecheckOutcome {
  /** Sweep batches (`lists/delete/<n>`). */
  batches: number;
  packs_deleted: number;
  bytes_deleted: number;
  packs_rescued: number;
  /** Blob-list objects staged for deletion. */
  lists_deleted: number;
  /** The index object listing the rescued packs again, if any. */
  written: string[];
}

/** Blobs and blob lists of the snapshots committed since Plan. */
async function blobsSince(vault: Vault, plan: MarkPlan): Promise<{ blobs: Set<string>; lists: Set<string> }> {
  const known = new Set(plan.snapshot_ids);
  const blobs = new Set<string>();
  const lists = new Set<string>();
  const fresh = (await vault.listSnapshotIds()).filter((id) => !known.has(id));
  await mapLimit(fresh, READS, async (id) => {
    const snapshot = await vault.readSnapshot(id).catch((error: unknown) => {
      if (error instanceof SnapshotNotFoundError) return undefined;
      throw error;
    });
    if (!snapshot) return;
    for (const list of blobListIds(snapshot)) lists.add(list);
    for await (const blob of new BlobLists(vault).blobsOf(snapshot)) blobs.add(blob);
  });
  return { blobs, lists };
}

/**
 * Blob-list objects to delete: older than the grace period, and referenced
 * by no snapshot Mark read, none committed since, and no in-progress
 * backup's manifest. None when a Mark item left no record of its lists.
 */
async function unusedLists(vault: Vault, area: string, plan: MarkPlan, keep: ReadonlySet<string>, now: Date): Promise<string[]> {
  const marked = await readUsedLists(vault, area, plan);
  if (!marked) return [];
  const doomed: string[] = [];
  for await (const info of vault.store.list(VaultPrefix.lists)) {
    const id = info.key.slice(VaultPrefix.lists.length);
    if (!marked.has(id) && !keep.has(id) && now.getTime() - info.lastModified.getTime() >= plan.grace_ms) doomed.push(id);
  }
  return doomed;
}

/** Packs listed by index objects written since Plan by someone else (a backup's worker). */
async function freshlyIndexed(vault: Vault, plan: MarkPlan, ours: ReadonlySet<string>): Promise<Set<string>> {
  const known = new Set(plan.indexes.map((i) => i.id));
  const fresh = (await vault.listIndexIds()).filter((id) => !known.has(id) && !ours.has(id));
  const packs = new Set<string>();
  await mapLimit(fresh, READS, async (id) => {
    const listed = await vault.readIndex(id).catch((error: unknown) => {
      if (error instanceof ObjectNotFoundError) return [];
      throw error;
    });
    for (const pack of listed) packs.add(pack.id);
  });
  return packs;
}

/**
 * Re-checks and stages the sweep.
 *
 * @returns what it staged as `recheck`
 */
export async function recheckSweep(vault: Vault, area: string, plan: MarkPlan, settle: SettleOutcome, compact: CompactOutcome, isRunning: BackupLiveness, now: Date): Promise<RecheckOutcome> {
  const staging = await readStaging(vault, isRunning, now, 0, area);
  const { blobs: newBlobs, lists: newLists } = await blobsSince(vault, plan);
  const indexed = await freshlyIndexed(vault, plan, new Set([...settle.written, ...compact.written]));
  const entries = new Map<string, PackEntry>();
  const rescued = new Set<string>();
  for (let n = 0; n < compact.doomed_parts; n += 1) {
    for (const pack of await readRequiredStaged<PackEntry[]>(vault, area, PruneStaged.doomed(n))) {
      if (newBlobs.size > 0 && pack.blobs.some((b) => newBlobs.has(b.id))) {
        rescued.add(pack.id);
        entries.set(pack.id, pack);
      }
    }
  }
  for (const pack of settle.doomed) {
    if (indexed.has(pack.id) || pack.indexes.some((i) => staging.protectedIndexes.has(i))) rescued.add(pack.id);
  }
  const relisted = await mapLimit(
    settle.doomed.filter((p) => rescued.has(p.id)),
    READS,
    async (p) => entries.get(p.id) ?? readPackEntry(vault, { id: p.id, size: p.size, lastModified: now }),
  );
  const written = relisted.length > 0 ? [await vault.writeIndex(relisted)] : [];
  const sweep = settle.doomed.filter((p) => !rescued.has(p.id));
  const lists = await unusedLists(vault, area, plan, new Set([...newLists, ...staging.protectedLists]), now);
  const keys = [...sweep.map((p) => packKey(p.id)), ...lists.map(blobListKey)];
  const list = await stageList(vault, area, PruneStaged.deleteList, keys, PRUNE_LAYOUT.packsPerDeleteBatch);
  const outcome: RecheckOutcome = {
    batches: Math.ceil(list.count / list.per_object),
    packs_deleted: sweep.length,
    bytes_deleted: sweep.reduce((n, p) => n + p.size, 0),
    packs_rescued: rescued.size,
    lists_deleted: lists.length,
    written,
  };
  await writeStaged(vault, area, PruneStaged.recheck, outcome);
  return outcome;
}
