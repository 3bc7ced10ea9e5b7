/**
 * Object Lock extension at prune time: every pack holding a blob of a kept
 * snapshot is locked at least as long as that snapshot's backup is kept
 * (its retention date, which the caller knows), so nobody (not even a
 * stolen admin credential, in compliance mode) deletes what a policy still
 * keeps. Dates are only ever extended.
 */
import { packKey } from '../pack/pack-builder.js';
import type { ObjectLocker } from '../storage/object-lock.js';
import { mapLimit } from '../util/concurrency.js';
import type { PrunePlan } from './prune-plan.js';
import type { SnapshotUse } from './vault-state.js';

/** S3 Object Lock on the vault, and how long each backup must be kept. */
export interface PruneLocking {
  locker: ObjectLocker;
  /** The date until which a backup is kept (its retention date), or undefined when it has none or is unknown. */
  retainUntil(backupId: string): Promise<Date | undefined>;
}

/**
 * Extends every live snapshot's packs to its backup's retention date.
 * @param use - the live snapshots, with their blob lists (`keepLists`)
 * @returns how many objects got a later date
 */
export async function extendPackLocks(locking: PruneLocking, use: SnapshotUse, plan: Pick<PrunePlan, 'packEntries'>, now: Date): Promise<number> {
  const packOf = new Map<string, string[]>();
  for (const pack of plan.packEntries.values()) for (const blob of pack.blobs) packOf.set(blob.id, [...(packOf.get(blob.id) ?? []), pack.id]);
  const until = new Map<string, number>();
  await mapLimit([...use.backups], 8, async ([snapshotId, backupId]) => {
    const date = (await locking.retainUntil(backupId))?.getTime() ?? 0;
    if (date <= now.getTime()) return;
    for (const blob of use.blobsOf.get(snapshotId) ?? []) for (const pack of packOf.get(blob) ?? []) until.set(pack, Math.max(until.get(pack) ?? 0, date));
  });
  const changed = await mapLimit([...until], 8, ([pack, date]) => locking.locker.extend(packKey(pack), new Date(date)));
  return changed.filter(Boolean).length;
}
