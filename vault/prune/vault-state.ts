/**
 * What prune reads of the vault besides snapshots and index objects: the
 * index objects in-progress backups staged (their plan's dedup set and each
 * worker's own), stale staging areas, and every pack object.
 */
import type { Vault } from '../repository/vault.js';
import { ObjectNotFoundError } from '../storage/errors.js';
import type { ObjectInfo } from '../storage/object-store.js';
import { mapLimit } from '../util/concurrency.js';
import { readStaged, type StagedPartition, type StagedPlan } from '../staging/staging.js';
import type { PartitionRecord } from '../snapshot/snapshot.js';
import { isItemListName } from '../staging/item-list.js';
import { isPruneArea } from './layout.js';
import type { PackObject } from './orphans.js';

const READS = 8;

/**
 * Whether the backup that staged `staging/<backupId>/` may still be running
 * (its area is then protected whatever its age). Prune asks whoever tracks
 * executions (the catalog); with nobody to ask, an area older than the grace
 * period is taken as abandoned.
 */
export type BackupLiveness = (backupId: string) => Promise<boolean>;

/** The staging area: which index objects and blob lists in-progress backups rely on, and which areas are stale. */
export interface StagingState {
  protectedIndexes: Set<string>;
  /** Blob-list objects named by in-progress backups' partition manifests. */
  protectedLists: Set<string>;
  /** Backup ids whose staging area is older than the grace period and whose backup is not running. */
  stale: string[];
}

/**
 * Reads `staging/`. An area is protected unless its backup is not running
 * (`isRunning`) and every object in it is older than the grace period.
 * Prune runs' areas name no index objects: they are never read, only swept
 * once older than the grace period (`own`, the calling prune's, never).
 * Item lists (plaintext, FORMAT.md §10) are skipped.
 */
export async function readStaging(vault: Vault, isRunning: BackupLiveness, now: Date, graceMs: number, own?: string): Promise<StagingState> {
  const areas = new Map<string, ObjectInfo[]>();
  for await (const info of vault.store.list('staging/')) {
    const backupId = info.key.split('/')[1];
    if (!backupId) continue;
    areas.set(backupId, [...(areas.get(backupId) ?? []), info]);
  }
  const out: StagingState = { protectedIndexes: new Set(), protectedLists: new Set(), stale: [] };
  await mapLimit([...areas], READS, async ([backupId, objects]) => {
    if (backupId === own) return;
    const newest = Math.max(...objects.map((o) => o.lastModified.getTime()));
    const old = now.getTime() - newest >= graceMs;
    if (isPruneArea(backupId) ? old : old && !(await isRunning(backupId))) {
      out.stale.push(backupId);
      return;
    }
    if (isPruneArea(backupId)) return;
    for (const object of objects) {
      const name = object.key.slice(`staging/${backupId}/`.length);
      if (isItemListName(name)) continue;
      const value = await readStaged<StagedPlan | StagedPartition>(vault, backupId, name).catch((error: unknown) => {
        if (error instanceof ObjectNotFoundError) return undefined;
        throw error;
      });
      for (const id of value?.index_ids ?? []) out.protectedIndexes.add(id);
      // Other runs' areas stage other shapes (a restore's `partitions` is a list reference): only arrays of records name lists.
      const partitions: unknown = (value as Partial<StagedPartition> | undefined)?.partitions;
      if (Array.isArray(partitions)) for (const p of partitions as Partial<PartitionRecord>[]) if (p?.blob_list) out.protectedLists.add(p.blob_list.id);
    }
  });
  return out;
}

/** Every pack object (`data/xx/<id>`). */
export async function listPackObjects(vault: Vault): Promise<PackObject[]> {
  const out: PackObject[] = [];
  for await (const info of vault.store.list('data/')) {
    const id = info.key.split('/')[2];
    if (id && /^[0-9a-f]{64}$/.test(id)) out.push({ id, size: info.size, lastModified: info.lastModified });
  }
  return out;
}
