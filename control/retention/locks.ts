/**
 * Object Lock extension of a kept backup's snapshot: its `retention_until`
 * (set from the policy by `applyRetention`) becomes the S3 retention date of
 * its snapshot. Prune extends the packs (`vault/prune/pack-locks.ts`, with
 * {@link pruneLocking}). Dates are only ever extended.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { ExecutionRecord } from '../catalog/types.js';
import type { PruneLocking } from '../../vault/prune/pack-locks.js';
import type { ObjectLocker } from '../../vault/storage/object-lock.js';
import { snapshotKey } from './backups.js';
import type { RetentionDeps } from './deps.js';

/**
 * Extends the snapshot's lock (with its vault's locker) and records the date on the backup when the
 * policy keeps it longer than it is locked now.
 */
export async function lockKeptBackup(deps: RetentionDeps, locker: ObjectLocker, record: ExecutionRecord, until: string): Promise<boolean> {
  const snapshotId = record.result?.snapshot_id;
  if (!snapshotId || Date.parse(until) <= deps.now().getTime()) return false;
  if (record.retention_until && Date.parse(record.retention_until) >= Date.parse(until)) return false;
  await locker.extend(snapshotKey(snapshotId), new Date(until));
  await deps.catalog.executions.annotate(record.execution_id, { retention_until: until });
  return true;
}

/** Prune's Object Lock settings: the locker, and each backup's `retention_until` from its catalog record. */
export function pruneLocking(locker: ObjectLocker, catalog: Catalog): PruneLocking {
  return {
    locker,
    retainUntil: async (backupId) => {
      const record = await catalog.getBackup(backupId).catch(() => undefined);
      return record?.retention_until ? new Date(record.retention_until) : undefined;
    },
  };
}
