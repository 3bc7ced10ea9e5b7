/**
 * What prune reads before it plans: the blobs live snapshots use, the index
 * objects in-progress backups staged (their plan's dedup set and each
 * worker's own), stale staging areas, every index object and every pack
 * object.
 */
import { SnapshotNotFoundError } from '../repository/errors.js';
import type { Vault } from '../repository/vault.js';
import { ObjectNotFoundError } from '../storage/errors.js';
import type { ObjectInfo } from '../storage/object-store.js';
import { mapLimit } from '../util/concurrency.js';
import { readStaged, type StagedPartition, type StagedPlan } from '../staging/staging.js';
import type { IndexObject, PackObject } from './prune-plan.js';

const READS = 8;

/** The live snapshots and the blobs they use. */
export interface SnapshotUse {
  ids: Set<string>;
  blobs: Set<string>;
  /** Snapshot id → backup id (for Object Lock extension). */
  backups: Map<string, string>;
  /** Snapshot id → its blobs (kept only when asked: Object Lock extension needs them). */
  blobsOf: Map<string, string[]>;
}

/** No snapshots yet; `known` ids are skipped by {@link readSnapshotUse}. */
export function emptyUse(known: Iterable<string> = []): SnapshotUse {
  return { ids: new Set(known), blobs: new Set(), backups: new Map(), blobsOf: new Map() };
}

/**
 * Reads the snapshots not yet in `into.ids` and adds their blobs.
 * A snapshot deleted meanwhile (forgotten by a concurrent call) is skipped.
 */
export async function readSnapshotUse(vault: Vault, into: SnapshotUse = emptyUse(), keepLists = false): Promise<SnapshotUse> {
  const fresh = (await vault.listSnapshotIds()).filter((id) => !into.ids.has(id));
  await mapLimit(fresh, READS, async (id) => {
    let snapshot;
    try {
      snapshot = await vault.readSnapshot(id);
    } catch (error) {
      if (error instanceof SnapshotNotFoundError) return;
      throw error;
    }
    const blobs = snapshot.partitions.flatMap((p) => p.blobs);
    into.ids.add(id);
    into.backups.set(id, snapshot.backup_id);
    if (keepLists) into.blobsOf.set(id, blobs);
    for (const blob of blobs) into.blobs.add(blob);
  });
  return into;
}

/**
 * Whether the backup that staged `staging/<backupId>/` may still be running
 * (its area is then protected whatever its age). Prune asks whoever tracks
 * executions (the catalog); with nobody to ask, an area older than the grace
 * period is taken as abandoned.
 */
export type BackupLiveness = (backupId: string) => Promise<boolean>;

/** The staging area: which index objects in-progress backups rely on, and which areas are stale. */
export interface StagingState {
  protectedIndexes: Set<string>;
  /** Backup ids whose staging area is older than the grace period and whose backup is not running. */
  stale: string[];
}

/**
 * Reads `staging/`. An area is protected unless its backup is not running
 * (`isRunning`) and every object in it is older than the grace period.
 */
export async function readStaging(vault: Vault, isRunning: BackupLiveness, now: Date, graceMs: number): Promise<StagingState> {
  const areas = new Map<string, ObjectInfo[]>();
  for await (const info of vault.store.list('staging/')) {
    const backupId = info.key.split('/')[1];
    if (!backupId) continue;
    areas.set(backupId, [...(areas.get(backupId) ?? []), info]);
  }
  const out: StagingState = { protectedIndexes: new Set(), stale: [] };
  await mapLimit([...areas], READS, async ([backupId, objects]) => {
    const newest = Math.max(...objects.map((o) => o.lastModified.getTime()));
    if (now.getTime() - newest >= graceMs && !(await isRunning(backupId))) {
      out.stale.push(backupId);
      return;
    }
    for (const object of objects) {
      const name = object.key.slice(`staging/${backupId}/`.length);
      const value = await readStaged<StagedPlan | StagedPartition>(vault, backupId, name).catch((error: unknown) => {
        if (error instanceof ObjectNotFoundError) return undefined;
        throw error;
      });
      for (const id of value?.index_ids ?? []) out.protectedIndexes.add(id);
    }
  });
  return out;
}

/** Every index object with its packs. */
export async function readIndexes(vault: Vault): Promise<IndexObject[]> {
  const infos: ObjectInfo[] = [];
  for await (const info of vault.store.list('index/')) infos.push(info);
  const read = await mapLimit(infos, READS, async (info) => {
    const id = info.key.slice('index/'.length);
    try {
      return { id, lastModified: info.lastModified, packs: await vault.readIndex(id) };
    } catch (error) {
      // Rewritten by a concurrent prune meanwhile: its packs are listed by the rewrite.
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    }
  });
  return read.filter((i): i is IndexObject => i !== undefined);
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
