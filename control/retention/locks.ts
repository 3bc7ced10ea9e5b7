/**
 * Object Lock extension: a kept backup's `retention_until` (set from the
 * policy by `applyRetention`) becomes the S3 retention date of its snapshot
 * and of every pack holding one of its blobs, so nobody (not even a stolen
 * admin credential, in compliance mode) deletes what the policy still keeps.
 * Dates are only ever extended.
 */
import type { ExecutionRecord } from '../catalog/types.js';
import { packKey } from '../../vault/pack/pack-builder.js';
import type { ObjectLocker } from '../../vault/storage/object-lock.js';
import { mapLimit } from '../../vault/util/concurrency.js';
import type { WorkflowDeps } from '../workflows/deps.js';
import { snapshotKey } from './backups.js';
import type { PrunePlan } from './prune-plan.js';
import type { SnapshotUse } from './vault-state.js';

/**
 * Extends the snapshot's lock and records the date on the backup when the
 * policy keeps it longer than it is locked now.
 */
export async function lockKeptBackup(deps: WorkflowDeps & { objectLock: ObjectLocker }, record: ExecutionRecord, until: string): Promise<boolean> {
  const snapshotId = record.result?.snapshot_id;
  if (!snapshotId || Date.parse(until) <= deps.now().getTime()) return false;
  if (record.retention_until && Date.parse(record.retention_until) >= Date.parse(until)) return false;
  await deps.objectLock.extend(snapshotKey(snapshotId), new Date(until));
  await deps.catalog.executions.annotate(record.execution_id, { retention_until: until });
  return true;
}

/**
 * Extends every live snapshot's packs to its backup's `retention_until`.
 * @returns how many objects got a later date
 */
export async function extendPackLocks(deps: WorkflowDeps & { objectLock: ObjectLocker }, use: SnapshotUse, plan: Pick<PrunePlan, 'packEntries'>): Promise<number> {
  const now = deps.now().getTime();
  const packOf = new Map<string, string[]>();
  for (const pack of plan.packEntries.values()) for (const blob of pack.blobs) packOf.set(blob.id, [...(packOf.get(blob.id) ?? []), pack.id]);
  const until = new Map<string, number>();
  await mapLimit([...use.backups], 8, async ([snapshotId, backupId]) => {
    const record = await deps.catalog.getBackup(backupId).catch(() => undefined);
    const date = record?.retention_until ? Date.parse(record.retention_until) : 0;
    if (date <= now) return;
    for (const blob of use.blobsOf.get(snapshotId) ?? []) for (const pack of packOf.get(blob) ?? []) until.set(pack, Math.max(until.get(pack) ?? 0, date));
  });
  const changed = await mapLimit([...until], 8, ([pack, date]) => deps.objectLock.extend(packKey(pack), new Date(date)));
  return changed.filter(Boolean).length;
}
