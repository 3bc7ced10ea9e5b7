/**
 * Prune: delete packs no snapshot uses, repack packs whose unused share
 * passes a threshold, rewrite the index objects that listed them, and sweep
 * stale staging areas. Safe under concurrent backups (docs/RETENTION.md):
 *
 * 1. read snapshots, staging, index objects and packs; plan (pure);
 * 2. write repacked packs, then the index objects that replace the old ones
 *    (FORMAT.md §10: packs before the index that lists them);
 * 3. delete the replaced index objects;
 * 4. look again: snapshots committed and backups staged since step 1 rescue
 *    any pack they may use (re-indexed if its index object is gone);
 * 5. delete the packs, then stale staging areas.
 *
 * A backup whose Plan listed the index objects before step 3 is seen in step
 * 4 (it staged its plan before its workers read them); one that listed them
 * after step 3 never sees the packs about to go.
 *
 * Prune needs the vault and, from outside it, only two answers (as restic's
 * `PlanPrune` takes a `getUsedBlobs`): whether a staged backup may still be
 * running, and, with Object Lock, how long each backup is kept.
 */
import { sha256Hex } from '../crypto/hash.js';
import { CorruptedBackupError } from '../format/errors.js';
import type { BlobEntry, PackEntry } from '../index/types.js';
import { PackBuilder, packKey } from '../pack/pack-builder.js';
import type { Vault } from '../repository/vault.js';
import { clearStaged } from '../staging/staging.js';
import { isLocked } from '../storage/object-lock.js';
import { usedOrphans } from './orphans.js';
import { extendPackLocks, type PruneLocking } from './pack-locks.js';
import { planPrune, type PrunePlan } from './prune-plan.js';
import { emptyUse, listPackObjects, readIndexes, readSnapshotUse, readStaging, type BackupLiveness, type SnapshotUse, type StagingState } from './vault-state.js';

/** What a prune works with. */
export interface PruneContext {
  vault: Vault;
  /** Whether a backup with a staging area may still be running (see {@link BackupLiveness}). */
  isRunning: BackupLiveness;
  /** S3 Object Lock on the vault: locked packs are left alone, kept backups' packs locked as long as they are kept. */
  locking?: PruneLocking;
  /** The clock. @default the system clock */
  now?: () => Date;
}

/** Prune settings. */
export interface PruneOptions {
  /** Packs, index objects and staging areas younger than this are never touched. @default 24 hours */
  graceSeconds?: number;
  /** Repack a pack once this fraction of it is unused. @default 0.5 */
  repackThreshold?: number;
  /** Merge index objects when there are more than this many. @default 64 */
  compactAbove?: number;
  /** Plan only. */
  dryRun?: boolean;
}

/** What a prune did (or, dry, would do). */
export interface PruneResult {
  dry_run: boolean;
  packs_total: number;
  bytes_total: number;
  bytes_unused: number;
  packs_deleted: number;
  bytes_deleted: number;
  packs_repacked: number;
  packs_written: number;
  bytes_written: number;
  indexes_written: number;
  indexes_deleted: number;
  packs_rescued: number;
  packs_untouchable: number;
  staging_swept: number;
  /** Packs whose Object Lock was extended to their backups' retention dates. */
  locks_extended: number;
}

/** Defaults of {@link PruneOptions}. */
export const PRUNE_DEFAULTS = { graceSeconds: 24 * 3600, repackThreshold: 0.5, compactAbove: 64 } as const;
const BLOBS_PER_INDEX = 200_000;

/**
 * Prunes a vault.
 *
 * @param context - the vault, who to ask whether a backup runs, Object Lock, clock
 * @param options - grace period, repack threshold, dry run
 * @returns counts and bytes
 */
export async function pruneVault(context: PruneContext, options: PruneOptions = {}): Promise<PruneResult> {
  const { vault, isRunning, locking } = context;
  const clock = context.now ?? (() => new Date());
  const now = clock();
  const graceMs = (options.graceSeconds ?? PRUNE_DEFAULTS.graceSeconds) * 1000;
  const use = await readSnapshotUse(vault, emptyUse(), locking !== undefined);
  const staging = await readStaging(vault, isRunning, now, graceMs);
  const [indexes, packObjects] = await Promise.all([readIndexes(vault), listPackObjects(vault)]);
  const inputs = {
    indexes,
    packObjects,
    usedBlobs: use.blobs,
    protectedIndexes: staging.protectedIndexes,
    lockedPacks: new Set<string>(),
    now,
    graceMs,
    repackThreshold: options.repackThreshold ?? PRUNE_DEFAULTS.repackThreshold,
    compactAbove: options.compactAbove ?? PRUNE_DEFAULTS.compactAbove,
  };
  // Object Lock is asked about only for the packs a first plan would touch.
  const draft = planPrune(inputs);
  const lockedPacks = await findLocked(locking, [...draft.deletePacks.map((p) => p.id), ...draft.repackPacks.map((r) => r.pack.id)], now);
  const plan = lockedPacks.size > 0 ? planPrune({ ...inputs, lockedPacks }) : draft;
  const result = summary(plan, options.dryRun ?? false, staging.stale.length);
  if (options.dryRun) return result;
  // Unindexed packs a snapshot still uses (a prune that stopped midway) are listed again, not deleted.
  const orphans = await usedOrphans(vault, plan.deletePacks, new Set(plan.packEntries.keys()), use.blobs);
  if (orphans.length > 0) {
    await vault.writeIndex(orphans);
    result.indexes_written += 1;
    result.packs_rescued += orphans.length;
  }
  if (locking) result.locks_extended = await extendPackLocks(locking, use, plan, now);

  const repacked = await repack(vault, plan, result);
  const replacement = [...plan.keptPacks, ...repacked];
  for (const chunk of chunkPacks(replacement)) {
    await vault.writeIndex(chunk);
    result.indexes_written += 1;
  }
  for (const id of plan.rewriteIndexes) await vault.store.delete(`index/${id}`);
  result.indexes_deleted = plan.rewriteIndexes.length;

  const rescued = await rescue(vault, plan, use, () => readStaging(vault, isRunning, clock(), 0));
  if (rescued.length > 0) {
    await vault.writeIndex(rescued);
    result.indexes_written += 1;
    result.packs_rescued += rescued.length;
  }
  const rescuedIds = new Set([...rescued, ...orphans].map((p) => p.id));
  const doomed = [...plan.deletePacks.map((p) => ({ id: p.id, size: p.size })), ...plan.repackPacks.map((r) => ({ id: r.pack.id, size: r.pack.size }))].filter((p) => !rescuedIds.has(p.id));
  for (const pack of doomed) await vault.store.delete(packKey(pack.id));
  result.packs_deleted = doomed.length;
  result.bytes_deleted = doomed.reduce((n, p) => n + p.size, 0);
  for (const backupId of staging.stale) await clearStaged(vault, backupId);
  return result;
}

function summary(plan: PrunePlan, dryRun: boolean, stale: number): PruneResult {
  return {
    dry_run: dryRun,
    packs_total: plan.stats.packs,
    bytes_total: plan.stats.packBytes,
    bytes_unused: plan.stats.unusedBytes,
    packs_deleted: plan.deletePacks.length + plan.repackPacks.length,
    bytes_deleted: plan.stats.deleteBytes + plan.stats.repackBytes,
    packs_repacked: plan.repackPacks.length,
    packs_written: 0,
    bytes_written: 0,
    indexes_written: 0,
    indexes_deleted: plan.rewriteIndexes.length,
    packs_rescued: 0,
    packs_untouchable: plan.untouchable.length,
    staging_swept: stale,
    locks_extended: 0,
  };
}

/** Packs under Object Lock (none without Object Lock). */
async function findLocked(locking: PruneLocking | undefined, ids: readonly string[], now: Date): Promise<Set<string>> {
  const locked = new Set<string>();
  if (!locking) return locked;
  for (const id of ids) if (isLocked(await locking.locker.retention(packKey(id)), now)) locked.add(id);
  return locked;
}

/**
 * Copies the used blobs of the packs to repack into new packs, sealed blobs
 * as they are (a blob's authentication does not depend on its pack), grouped
 * by the key that sealed them. Each source pack is checked against its name first.
 */
async function repack(vault: Vault, plan: PrunePlan, result: PruneResult): Promise<PackEntry[]> {
  const written: PackEntry[] = [];
  const copied = new Set<string>();
  const builders = new Map<string, PackBuilder>();
  const flush = async (keyId: string) => {
    const builder = builders.get(keyId);
    if (!builder || builder.count === 0) return;
    builders.delete(keyId);
    const finished = await builder.finish(vault.keyring.get(keyId));
    await vault.store.put(packKey(finished.entry.id), finished.bytes);
    written.push(finished.entry);
    result.packs_written += 1;
    result.bytes_written += finished.bytes.length;
  };
  for (const item of plan.repackPacks) {
    const bytes = await vault.store.get(packKey(item.pack.id));
    if (sha256Hex(bytes) !== item.pack.id) throw new CorruptedBackupError(`pack ${item.pack.id}: content does not match its name; not repacking it`, { pack: item.pack.id });
    for (const blob of item.used) {
      if (copied.has(blob.id)) continue;
      copied.add(blob.id);
      const builder = builders.get(item.pack.keyId) ?? new PackBuilder();
      builders.set(item.pack.keyId, builder);
      builder.add(blob.id, blob.compression, blob.rawLength, bytes.subarray(blob.offset, blob.offset + blob.length));
      if (builder.size >= vault.config.pack_size) await flush(item.pack.keyId);
    }
  }
  for (const keyId of [...builders.keys()]) await flush(keyId);
  return written;
}

/**
 * Looks again after the index objects were replaced: packs about to go that
 * a snapshot committed since, or a backup staged since, may use are kept
 * and listed again.
 */
async function rescue(vault: Vault, plan: PrunePlan, use: SnapshotUse, readStagingNow: () => Promise<StagingState>): Promise<PackEntry[]> {
  // Staging before snapshots: a backup commits its snapshot before it clears its staging area, so it is seen in one or the other.
  const staging = await readStagingNow();
  // Only the snapshots committed since the first look.
  const since = await readSnapshotUse(vault, emptyUse(use.ids));
  // Index objects written since the first look (a worker's) that list a pack about to go.
  const written = new Set(plan.packsOfIndex.keys());
  const fresh = (await vault.listIndexIds()).filter((id) => !written.has(id));
  const freshlyIndexed = new Set<string>();
  for (const id of fresh) {
    for (const pack of await vault.readIndex(id).catch(() => [])) freshlyIndexed.add(pack.id);
  }
  const newBlobs = since.blobs;
  const candidates: PackEntry[] = [
    ...plan.repackPacks.map((r) => r.pack),
    ...plan.deletePacks.flatMap((p) => {
      const entry = plan.packEntries.get(p.id);
      return entry ? [entry] : [];
    }),
  ];
  const stagedPacks = new Set<string>();
  for (const indexId of staging.protectedIndexes) {
    for (const pack of plan.packsOfIndex.get(indexId) ?? []) stagedPacks.add(pack);
  }
  return candidates.filter((pack) => stagedPacks.has(pack.id) || freshlyIndexed.has(pack.id) || pack.blobs.some((b: BlobEntry) => newBlobs.has(b.id)));
}

/** Splits packs into index-object-sized groups. */
function chunkPacks(packs: readonly PackEntry[]): PackEntry[][] {
  const chunks: PackEntry[][] = [];
  let current: PackEntry[] = [];
  let blobs = 0;
  for (const pack of packs) {
    if (current.length > 0 && blobs + pack.blobs.length > BLOBS_PER_INDEX) {
      chunks.push(current);
      current = [];
      blobs = 0;
    }
    current.push(pack);
    blobs += pack.blobs.length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
