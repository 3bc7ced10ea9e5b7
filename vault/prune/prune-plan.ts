/**
 * Prune planning, pure: given what the vault holds (index objects and their
 * packs, pack objects), which blobs snapshots use, and what must not be
 * touched (index objects an in-progress backup staged, packs younger than
 * the grace period, packs under Object Lock), decide which packs to delete,
 * which to repack, and which index objects to rewrite. See docs/RETENTION.md.
 */
import type { BlobEntry, PackEntry } from '../index/types.js';

/** One index object as read. */
export interface IndexObject {
  id: string;
  lastModified: Date;
  packs: PackEntry[];
}

/** One pack object as listed (`data/xx/<id>`). */
export interface PackObject {
  id: string;
  size: number;
  lastModified: Date;
}

/** Inputs of a prune plan. */
export interface PruneInputs {
  indexes: readonly IndexObject[];
  packObjects: readonly PackObject[];
  /** Blob ids any snapshot references. */
  usedBlobs: ReadonlySet<string>;
  /** Index objects staged by in-progress backups (their plans' dedup sets and their workers' own). */
  protectedIndexes: ReadonlySet<string>;
  /** Packs under S3 Object Lock. */
  lockedPacks: ReadonlySet<string>;
  now: Date;
  /** Packs and index objects younger than this are never touched. */
  graceMs: number;
  /** Repack a pack once this fraction of its bytes (0..1) is unused; 1 or more disables repacking. */
  repackThreshold: number;
  /** Rewrite every untouchable-free index object into fewer when there are more than this many. */
  compactAbove: number;
}

/** Why a pack is left alone although it holds unused data. */
export const KeepPackReason = {
  Young: 'younger than the grace period',
  Staged: 'listed by an in-progress backup',
  Locked: 'under Object Lock',
} as const;
export type KeepPackReason = (typeof KeepPackReason)[keyof typeof KeepPackReason];

/** A pack to repack: its used blobs move to new packs. */
export interface RepackItem {
  pack: PackEntry;
  used: BlobEntry[];
}

/** What a prune will do. */
export interface PrunePlan {
  /** Packs no snapshot uses (indexed, or stored but never indexed): deleted. */
  deletePacks: PackObject[];
  repackPacks: RepackItem[];
  /** Index objects that list a deleted or repacked pack (or are compacted): rewritten without them, then deleted. */
  rewriteIndexes: string[];
  /** Packs the rewritten index objects keep listing. */
  keptPacks: PackEntry[];
  /** Packs with unused data left alone, and why. */
  untouchable: Array<{ id: string; reason: KeepPackReason; unusedBytes: number }>;
  stats: { packs: number; packBytes: number; unusedBytes: number; deleteBytes: number; repackBytes: number };
  /** Every indexed pack by id. */
  packEntries: ReadonlyMap<string, PackEntry>;
  /** Index object id → the packs it lists. */
  packsOfIndex: ReadonlyMap<string, readonly string[]>;
}

function packUsage(pack: PackEntry, used: ReadonlySet<string>): { used: BlobEntry[]; unusedBytes: number } {
  const usedBlobs = pack.blobs.filter((b) => used.has(b.id));
  const usedBytes = usedBlobs.reduce((n, b) => n + b.length, 0);
  return { used: usedBlobs, unusedBytes: pack.size - usedBytes };
}

/**
 * Plans a prune.
 *
 * @param input - the vault's state and the rules
 * @returns packs to delete and repack, index objects to rewrite, and what was left alone
 */
export function planPrune(input: PruneInputs): PrunePlan {
  const { now, graceMs } = input;
  const young = (at: Date) => now.getTime() - at.getTime() < graceMs;
  const objects = new Map(input.packObjects.map((p) => [p.id, p]));
  // Every pack listed by a staged index object is off limits: that backup's workers may reuse any blob in it.
  const staged = new Set<string>();
  const indexedBy = new Map<string, string[]>();
  const packs = new Map<string, PackEntry>();
  for (const index of input.indexes) {
    for (const pack of index.packs) {
      if (input.protectedIndexes.has(index.id) || young(index.lastModified)) staged.add(pack.id);
      packs.set(pack.id, pack);
      indexedBy.set(pack.id, [...(indexedBy.get(pack.id) ?? []), index.id]);
    }
  }

  const plan: PrunePlan = {
    deletePacks: [],
    repackPacks: [],
    rewriteIndexes: [],
    keptPacks: [],
    untouchable: [],
    stats: { packs: objects.size, packBytes: 0, unusedBytes: 0, deleteBytes: 0, repackBytes: 0 },
    packEntries: packs,
    packsOfIndex: new Map(input.indexes.map((i) => [i.id, i.packs.map((p) => p.id)])),
  };
  const blocker = (id: string, object: PackObject | undefined): KeepPackReason | undefined => {
    if (staged.has(id)) return KeepPackReason.Staged;
    if (!object || young(object.lastModified)) return KeepPackReason.Young;
    if (input.lockedPacks.has(id)) return KeepPackReason.Locked;
    return undefined;
  };
  const touched = new Set<string>();
  for (const object of objects.values()) {
    plan.stats.packBytes += object.size;
    const pack = packs.get(object.id);
    const usage = pack ? packUsage(pack, input.usedBlobs) : { used: [], unusedBytes: object.size };
    if (usage.unusedBytes <= 0) continue;
    plan.stats.unusedBytes += usage.unusedBytes;
    const fullyUnused = usage.used.length === 0;
    if (!fullyUnused && usage.unusedBytes / object.size < input.repackThreshold) continue;
    const reason = blocker(object.id, object);
    if (reason) {
      plan.untouchable.push({ id: object.id, reason, unusedBytes: usage.unusedBytes });
      continue;
    }
    touched.add(object.id);
    if (fullyUnused) {
      plan.deletePacks.push(object);
      plan.stats.deleteBytes += object.size;
    } else {
      plan.repackPacks.push({ pack: pack!, used: usage.used });
      plan.stats.repackBytes += object.size;
    }
  }

  const rewrite = new Set<string>();
  for (const id of touched) for (const indexId of indexedBy.get(id) ?? []) rewrite.add(indexId);
  const eligible = input.indexes.filter((i) => !input.protectedIndexes.has(i.id) && !young(i.lastModified));
  if (eligible.length > input.compactAbove) for (const index of eligible) rewrite.add(index.id);
  const kept = new Map<string, PackEntry>();
  for (const index of input.indexes) {
    if (!rewrite.has(index.id)) continue;
    // A pack listed but no longer stored is dropped from the index too: nothing can read it.
    for (const pack of index.packs) if (!touched.has(pack.id) && objects.has(pack.id)) kept.set(pack.id, pack);
  }
  plan.rewriteIndexes = [...rewrite].sort();
  plan.keptPacks = [...kept.values()];
  return plan;
}
