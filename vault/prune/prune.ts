/**
 * Prune: delete packs no snapshot uses, repack packs whose unused share
 * passes a threshold, compact the index objects, and sweep stale staging
 * areas, in phases that never hold the whole vault's blob set
 * (docs/RETENTION.md, "Prune at scale"):
 *
 * 1. Plan (`mark.ts`): the first look at snapshots, index objects, staging;
 * 2. Mark, per batch of snapshots: used blob ids staged by shard;
 * 3. Join (`join.ts`), per shard: each pack's used and unused counts;
 * 4. Settle (`settle.ts`): decide; write rescued, repacked packs and their index;
 * 5. Compact (`compact.ts`): new index objects, then delete the old ones;
 * 6. Re-check (`recheck.ts`): what was committed or staged since rescues packs;
 * 7. Sweep (`sweep.ts`), per batch of 1,000 packs: delete; then stale staging.
 *
 * The prune workflow runs each phase as a step (2, 3 and 7 as Distributed
 * Map items); {@link pruneVault} runs them one after another in one process
 * (the DR CLI), with the same staged objects in a staging area of its own.
 *
 * Prune needs the vault and, from outside it, only two answers (as restic's
 * `PlanPrune` takes a `getUsedBlobs`): whether a staged backup may still be
 * running, and, with Object Lock, how long each backup is kept.
 */
import { randomBytes } from 'node:crypto';
import type { Vault } from '../repository/vault.js';
import { readStaged } from '../staging/staging.js';
import { compactIndexes, type CompactOutcome } from './compact.js';
import { joinShards } from './join.js';
import { PRUNE_AREA_PREFIX, PruneStaged } from './layout.js';
import { markItem, planMark, type MarkPlan } from './mark.js';
import type { PruneLocking } from './pack-locks.js';
import { recheckSweep, type RecheckOutcome } from './recheck.js';
import type { PruneResult } from './result.js';
import { settlePacks, type SettleOutcome } from './settle.js';
import { finishSweep, sweepBatch } from './sweep.js';
import type { BackupLiveness } from './vault-state.js';

export type { PruneResult } from './result.js';

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
  /** Compact every index object not held once there are more than this many. @default 64 */
  compactAbove?: number;
  /** Plan only. */
  dryRun?: boolean;
}

/** Defaults of {@link PruneOptions}. */
export const PRUNE_DEFAULTS = { graceSeconds: 24 * 3600, repackThreshold: 0.5, compactAbove: 64 } as const;

/** A fresh staging area for a prune run outside the workflow. */
export function localPruneArea(): string {
  return `${PRUNE_AREA_PREFIX}local-${Date.now()}-${randomBytes(4).toString('hex')}`;
}

/**
 * The last phase: the run's result from what the phases staged, then stale
 * staging areas (not in a dry run) and the prune's own area are swept.
 */
export async function finishPrune(vault: Vault, area: string, dryRun: boolean): Promise<PruneResult> {
  const plan = await readStaged<MarkPlan>(vault, area, PruneStaged.plan);
  const settle = await readStaged<SettleOutcome>(vault, area, PruneStaged.settle);
  const compact = await readStaged<CompactOutcome>(vault, area, PruneStaged.compact);
  const recheck = await readStaged<RecheckOutcome>(vault, area, PruneStaged.recheck);
  const result: PruneResult = { ...settle!.result };
  if (compact) {
    result.indexes_written += compact.written.length;
    result.indexes_deleted = compact.deleted.length;
  }
  if (recheck) {
    result.packs_deleted = recheck.packs_deleted;
    result.bytes_deleted = recheck.bytes_deleted;
    result.packs_rescued += recheck.packs_rescued;
    result.indexes_written += recheck.written.length;
    result.lists_deleted = recheck.lists_deleted ?? 0;
  }
  if (dryRun) result.staging_swept = 0;
  await finishSweep(vault, area, plan, dryRun);
  return result;
}

/**
 * Prunes a vault, every phase in this process (the DR CLI's prune).
 *
 * @param context - the vault, who to ask whether a backup runs, Object Lock, clock
 * @param options - grace period, repack threshold, compaction, dry run
 * @returns counts and bytes
 */
export async function pruneVault(context: PruneContext, options: PruneOptions = {}): Promise<PruneResult> {
  const { vault, isRunning, locking } = context;
  const clock = context.now ?? (() => new Date());
  const dryRun = options.dryRun ?? false;
  const area = localPruneArea();
  const plan = await planMark(vault, area, isRunning, clock(), (options.graceSeconds ?? PRUNE_DEFAULTS.graceSeconds) * 1000);
  for (let item = 0; item < plan.items; item += 1) await markItem(vault, area, plan, item, locking);
  await joinShards(vault, area, plan, Array.from({ length: plan.shards }, (_, s) => s));
  const settle = await settlePacks(vault, area, plan, {
    now: clock(),
    repackThreshold: options.repackThreshold ?? PRUNE_DEFAULTS.repackThreshold,
    compactAbove: options.compactAbove ?? PRUNE_DEFAULTS.compactAbove,
    dryRun,
    ...(locking ? { locking } : {}),
  });
  if (!dryRun) {
    const compact = await compactIndexes(vault, area, settle, isRunning, clock);
    const recheck = await recheckSweep(vault, area, plan, settle, compact, isRunning, clock());
    for (let batch = 0; batch < recheck.batches; batch += 1) await sweepBatch(vault, area, batch);
  }
  return finishPrune(vault, area, dryRun);
}
