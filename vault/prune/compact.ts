/**
 * Index compaction, part of every prune that is not dry: the index objects
 * settle chose (those listing a pack about to go or no longer stored, or
 * every one not held once there are more than `compact_above`) are
 * rewritten into fewer objects of up to 200,000 blobs, without the packs
 * about to go, and only then deleted (FORMAT.md §10.1: new index objects
 * before deleting old ones; §8: readers merge a pack listed twice). Index
 * objects that are young or named by a running backup's staging are never
 * rewritten, so a pack a concurrent backup just indexed stays listed where
 * it was; nor is one a backup staged since Plan (its workers read it):
 * staging is read again just before the deletes, and such an object stays
 * beside its rewrite. The entries dropped for packs about to go are staged
 * (`doomed/<n>`) for the re-check. Streams: one old index object and one
 * new one in memory, plus the ids of the packs already written.
 */
import type { PackEntry } from '../index/types.js';
import type { Vault } from '../repository/vault.js';
import { ObjectNotFoundError } from '../storage/errors.js';
import { readRequiredStaged, writeStaged } from '../staging/staging.js';
import { mapLimit } from '../util/concurrency.js';
import { PRUNE_LAYOUT, PruneStaged } from './layout.js';
import type { SettleOutcome } from './settle.js';
import { readStaging, type BackupLiveness } from './vault-state.js';

/** What compaction staged (`compact`). */
export interface CompactOutcome {
  /** Index objects written (the rewrite). */
  written: string[];
  /** Old index objects deleted. */
  deleted: string[];
  /** Old index objects kept beside their rewrite: a backup staged them since Plan. */
  kept: string[];
  /** How many `doomed/<n>` objects hold the dropped entries of packs about to go. */
  doomed_parts: number;
}

/** Splits packs into index objects of at most {@link PRUNE_LAYOUT.blobsPerIndex} blobs and writes them; returns their ids. */
export async function writeIndexes(vault: Vault, packs: readonly PackEntry[]): Promise<string[]> {
  const ids: string[] = [];
  let current: PackEntry[] = [];
  let blobs = 0;
  for (const pack of packs) {
    if (current.length > 0 && blobs + pack.blobs.length > PRUNE_LAYOUT.blobsPerIndex) {
      ids.push(await vault.writeIndex(current));
      current = [];
      blobs = 0;
    }
    current.push(pack);
    blobs += pack.blobs.length;
  }
  if (current.length > 0) ids.push(await vault.writeIndex(current));
  return ids;
}

/**
 * Rewrites settle's index objects without the packs about to go, then deletes the old ones.
 *
 * @returns what it staged as `compact`
 */
export async function compactIndexes(vault: Vault, area: string, settle: SettleOutcome, isRunning: BackupLiveness, now: () => Date): Promise<CompactOutcome> {
  const doomed = new Set(settle.doomed.map((p) => p.id));
  const dropped = new Set(settle.dropped);
  const seen = new Set<string>();
  const outcome: CompactOutcome = { written: [], deleted: [], kept: [], doomed_parts: 0 };
  let kept: PackEntry[] = [];
  let keptBlobs = 0;
  let gone: PackEntry[] = [];
  let goneBlobs = 0;
  const flushKept = async () => {
    if (kept.length > 0) outcome.written.push(await vault.writeIndex(kept));
    kept = [];
    keptBlobs = 0;
  };
  const flushGone = async () => {
    if (gone.length > 0) await writeStaged(vault, area, PruneStaged.doomed(outcome.doomed_parts++), gone);
    gone = [];
    goneBlobs = 0;
  };
  for (const id of settle.rewrite) {
    const packs = await vault.readIndex(id).catch((error: unknown) => {
      if (error instanceof ObjectNotFoundError) return [];
      throw error;
    });
    for (const pack of packs) {
      if (seen.has(pack.id) || dropped.has(pack.id)) continue;
      seen.add(pack.id);
      if (doomed.has(pack.id)) {
        if (goneBlobs + pack.blobs.length > PRUNE_LAYOUT.blobsPerIndex) await flushGone();
        gone.push(pack);
        goneBlobs += pack.blobs.length;
        continue;
      }
      if (keptBlobs + pack.blobs.length > PRUNE_LAYOUT.blobsPerIndex) await flushKept();
      kept.push(pack);
      keptBlobs += pack.blobs.length;
    }
  }
  await flushKept();
  await flushGone();
  // Every replacement is stored: only now do the old index objects go, but those a backup staged meanwhile.
  const staged = (await readStaging(vault, isRunning, now(), 0, area)).protectedIndexes;
  outcome.kept = settle.rewrite.filter((id) => staged.has(id));
  outcome.deleted = settle.rewrite.filter((id) => !staged.has(id));
  await mapLimit(outcome.deleted, 16, (id) => vault.store.delete(`index/${id}`));
  await writeStaged(vault, area, PruneStaged.compact, outcome);
  return outcome;
}

/** The staged compaction outcome. */
export function readCompact(vault: Vault, area: string): Promise<CompactOutcome> {
  return readRequiredStaged<CompactOutcome>(vault, area, PruneStaged.compact);
}
