/**
 * The prune workflow's phase steps (docs/RETENTION.md, "Prune at scale"):
 * each calls one phase of `vault/prune/` on the run's staging area
 * (`staging/<prune run id>/`) in the vault the pass prunes (its context's
 * `vault_uri`; the workflow passes over each vault in turn); the three
 * Distributed Maps (Mark, Join, Sweep) read their item lists where
 * control/workflows/map-items.ts stages them. Every result is small: what a
 * phase found stays staged.
 */
import { compactIndexes, readCompact } from '../../../vault/prune/compact.js';
import { joinShards } from '../../../vault/prune/join.js';
import { markItem, planMark, readMarkPlan } from '../../../vault/prune/mark.js';
import { recheckSweep } from '../../../vault/prune/recheck.js';
import { readSettle, settlePacks } from '../../../vault/prune/settle.js';
import { sweepBatch } from '../../../vault/prune/sweep.js';
import { pruneContext } from '../../retention/prune-context.js';
import type { WorkflowDeps } from '../deps.js';
import { stageMapItems } from '../map-items.js';
import type { VaultLocation } from '../../vaults/registry.js';
import type { PruneFanOut, PruneItemBatch, PrunePhaseInput, PrunePlanOutput, PruneRecheckOutput, PruneRunContext } from './types.js';

/** How a phase's items spread over a Distributed Map's children. */
export const PRUNE_FAN_OUT = {
  /** Children a Map aims for (items per child follow from the item count). */
  children: 8,
  /** Children running at once. */
  concurrency: 8,
} as const;

/** The vault a prune pass works on: its context's, or the primary. */
export function vaultOfRun(deps: WorkflowDeps, context: Pick<PruneRunContext, 'vault_uri'>): VaultLocation {
  return deps.vaults.vaultOf(context.vault_uri);
}

/** Stages `count` item numbers as a Map's item list (where {@link stageMapItems} puts it) and sizes its batches. */
async function fanOut(deps: WorkflowDeps, location: VaultLocation, area: string, name: string, count: number): Promise<PruneFanOut> {
  const items = await stageMapItems(deps, { vault: await deps.vault(location), location }, area, name, Array.from({ length: count }, (_, i) => i));
  return { items, per_child: Math.max(1, Math.ceil(count / PRUNE_FAN_OUT.children)), concurrency: PRUNE_FAN_OUT.concurrency };
}

/** Plan prune: the first look, and the Mark and Join item lists. */
export async function planPruneStep(deps: WorkflowDeps, input: PrunePhaseInput): Promise<PrunePlanOutput> {
  const { context } = input;
  const location = vaultOfRun(deps, input.context);
  const prune = await pruneContext(deps, location);
  const area = context.prune_run_id;
  const plan = await planMark(prune.vault, area, prune.isRunning, deps.now(), context.settings.grace_seconds * 1000);
  return { context, mark: await fanOut(deps, location, area, 'mark', plan.items), join: await fanOut(deps, location, area, 'join', plan.shards) };
}

/** Mark (a Distributed Map child): the used blobs of its snapshot batches. */
export async function markStep(deps: WorkflowDeps, batch: PruneItemBatch): Promise<{ items: number }> {
  const prune = await pruneContext(deps, vaultOfRun(deps, batch.BatchInput.context));
  const area = batch.BatchInput.context.prune_run_id;
  const plan = await readMarkPlan(prune.vault, area);
  for (const item of batch.Items) await markItem(prune.vault, area, plan, item, prune.locking);
  return { items: batch.Items.length };
}

/** Join (a Distributed Map child): per-pack counters of its shards. */
export async function joinStep(deps: WorkflowDeps, batch: PruneItemBatch): Promise<{ items: number }> {
  const vault = await deps.vault(vaultOfRun(deps, batch.BatchInput.context));
  const area = batch.BatchInput.context.prune_run_id;
  await joinShards(vault, area, await readMarkPlan(vault, area), batch.Items);
  return { items: batch.Items.length };
}

/** Settle packs: decide; write rescued and repacked packs and their index objects, extend locks (not in a dry run). */
export async function settleStep(deps: WorkflowDeps, input: PrunePhaseInput): Promise<{ packs_deleted: number }> {
  const prune = await pruneContext(deps, vaultOfRun(deps, input.context));
  const { settings, prune_run_id: area } = input.context;
  const settled = await settlePacks(prune.vault, area, await readMarkPlan(prune.vault, area), {
    now: deps.now(),
    repackThreshold: settings.repack_threshold,
    compactAbove: settings.compact_above,
    dryRun: settings.dry_run,
    ...(prune.locking ? { locking: prune.locking } : {}),
  });
  return { packs_deleted: settled.result.packs_deleted };
}

/** Compact index: new index objects without the packs about to go, then the old ones deleted. */
export async function compactStep(deps: WorkflowDeps, input: PrunePhaseInput): Promise<{ indexes_written: number }> {
  const prune = await pruneContext(deps, vaultOfRun(deps, input.context));
  const area = input.context.prune_run_id;
  const compact = await compactIndexes(prune.vault, area, await readSettle(prune.vault, area), prune.isRunning, () => deps.now());
  return { indexes_written: compact.written.length };
}

/** Re-check: rescue what was committed or staged since Plan; stage the sweep's batches. */
export async function recheckStep(deps: WorkflowDeps, input: PrunePhaseInput): Promise<PruneRecheckOutput> {
  const location = vaultOfRun(deps, input.context);
  const prune = await pruneContext(deps, location);
  const { vault } = prune;
  const area = input.context.prune_run_id;
  const [plan, settle, compact] = await Promise.all([readMarkPlan(vault, area), readSettle(vault, area), readCompact(vault, area)]);
  const recheck = await recheckSweep(vault, area, plan, settle, compact, prune.isRunning, deps.now());
  return { sweep: await fanOut(deps, location, area, 'sweep', recheck.batches) };
}

/** Sweep (a Distributed Map child): delete its batches of packs. */
export async function sweepStep(deps: WorkflowDeps, batch: PruneItemBatch): Promise<{ packs: number }> {
  const vault = await deps.vault(vaultOfRun(deps, batch.BatchInput.context));
  const area = batch.BatchInput.context.prune_run_id;
  let packs = 0;
  for (const item of batch.Items) packs += await sweepBatch(vault, area, item);
  return { packs };
}
