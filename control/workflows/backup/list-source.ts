/**
 * Planning a source by listing it in pieces (an S3 prefix, docs/S3.md
 * "Planning a large prefix"): Plan lists the first {@link INLINE_LIST_KEYS}
 * objects itself; a prefix that ends there is planned right away. Past
 * that, Plan stages what it listed and the rest as key ranges, and the
 * workflow's List source Distributed Map lists them, each child within
 * {@link KEYS_PER_LIST_CHILD} objects and its time, staging per range the
 * partition ranges it cut and what it left (split into ranges). Join
 * listing stages the ranges left as the next round (the Choice before the
 * Map loops), and once none is left joins every piece into the partition
 * list and continues as Plan does. No state holds a list that grows with
 * the data: ranges, pieces and partitions are staged.
 */
import type { BackupSource, KeyRange, ListedPiece } from '../../../sources/source.js';
import { listStaged, readRequiredStaged, readStaged, writeStaged, type StagedPlan } from '../../../vault/staging/staging.js';
import { readListItem } from '../../../vault/staging/staged-list.js';
import { mapLimit } from '../../../vault/util/concurrency.js';
import type { Vault } from '../../../vault/repository/vault.js';
import type { SourceConfig } from '../../../sources/config.js';
import type { WorkflowDeps } from '../deps.js';
import { stageRunFanOut } from '../map-items.js';
import { vaultAt } from '../vault-opener.js';
import { InvalidJobError } from '../errors.js';
import type { HolderPlan, ListingOutput, ListingState, PlanOutput } from './types.js';

/** Objects Plan lists itself before it fans the listing out (10 pages: a prefix this small is planned in Plan, as before). */
export const INLINE_LIST_KEYS = 10_000;
/** Objects one List source child lists per round at most: 4,000 pages at ~100 ms, ~400 s of its 900 (a 2x margin). */
export const KEYS_PER_LIST_CHILD = 4_000_000;
/** Seconds a List source child keeps in hand when it stops listing for time (staging its pieces). */
export const LIST_CHILD_RESERVE_SECONDS = 120;
/** Key ranges per List source child (most split ranges are small or empty; a child's budget is shared by its ranges). */
export const LIST_RANGES_PER_CHILD = 10;
/** List source children at once (each sends ~10 LISTs a second to the source prefix). */
export const LIST_MAX_CONCURRENCY = 100;
/** Staged pieces read at once by Join listing. */
const READ_CONCURRENCY = 16;

/** The staged name of a piece: Plan's own (`round` 0) or range `index` of round `round`. */
function pieceName(round: number, index: number): string {
  return round === 0 ? 'listing/plan' : `listing/r${String(round).padStart(4, '0')}/${String(index).padStart(6, '0')}`;
}

/**
 * The objects Plan lists itself and each child lists per round: the run's
 * `custom_parameters.list_keys` (tests and tuning), else the defaults.
 */
function listBudgets(planned: HolderPlan): { inline: number; child: number } {
  const asked = Number(planned.custom_parameters.list_keys);
  return Number.isSafeInteger(asked) && asked > 0 ? { inline: asked, child: asked } : { inline: INLINE_LIST_KEYS, child: KEYS_PER_LIST_CHILD };
}

/** The totals of some pieces. */
function totalsOf(pieces: readonly ListedPiece[]): { objects: number; bytes: number } {
  let objects = 0;
  let bytes = 0;
  for (const range of pieces.flatMap((p) => p.ranges)) {
    objects += range.keys;
    bytes += range.bytes;
  }
  return { objects, bytes };
}

/** What Plan does with a source it plans by listing. */
export type ListedStart = { done: true; description: Record<string, unknown>; ranges: ListedPiece['ranges'] } | { done: false; output: ListingOutput };

/**
 * Plan's part: lists the first objects; a listing that ends there is
 * described and returned; otherwise the piece and the rest are staged for
 * the List source Map (the staged plan holds the source, for the children).
 *
 * @param deps - the workflow's dependencies
 * @param vault - the backup's vault
 * @param source - the source (with `planPiece`)
 * @param config - the job's source configuration
 * @param planned - the run's context
 * @returns the description and the piece's ranges, or the listing state to fan out
 */
export async function startListing(
  deps: WorkflowDeps,
  vault: Vault,
  source: BackupSource,
  config: SourceConfig,
  planned: HolderPlan,
): Promise<ListedStart> {
  if (!source.planPiece) throw new InvalidJobError(`a ${config.type} source is not planned by listing`);
  const budgets = listBudgets(planned);
  const piece = await source.planPiece({ start_after: '', last_key: null }, { maxKeys: budgets.inline });
  if (piece.rest.length === 0) return { done: true, description: await source.describe(totalsOf([piece])), ranges: piece.ranges };
  const backupId = planned.context.backup_id;
  await writeStaged(vault, backupId, 'plan', { description: {}, source: config, planned_at: deps.now().toISOString(), index_ids: [] } satisfies StagedPlan);
  await writeStaged(vault, backupId, pieceName(0, 0), piece);
  return { done: false, output: { execution_id: planned.context.execution_id, listing: await stageRound(deps, vault, planned, 1, piece.rest, budgets.child) } };
}

/**
 * The ranges in a spread order: the Map batches consecutive items, and
 * neighbouring ranges are often alike (the big ones of a split sit side by
 * side), so the ranges are staged in a golden-ratio stride order that puts
 * neighbours in different children. Join listing sorts the pieces by key,
 * so the order changes nothing else.
 */
export function spread<T>(items: readonly T[]): T[] {
  const n = items.length;
  if (n < 3) return [...items];
  let stride = Math.max(1, Math.round(n * 0.618));
  while (gcd(stride, n) !== 1) stride += 1;
  return Array.from({ length: n }, (_, i) => items[(i * stride) % n] as T);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Stages a round's key ranges (in {@link spread} order) and the Map's item list. */
async function stageRound(deps: WorkflowDeps, vault: Vault, planned: HolderPlan, round: number, ranges: readonly KeyRange[], keysPerChild: number): Promise<ListingState> {
  const location = deps.vaults.vaultOf(planned.context.vault_uri);
  const { list, items } = await stageRunFanOut(deps, { vault, location }, planned.context.backup_id, `listing-r${round}`, spread(ranges));
  return {
    planned,
    round,
    ranges: list,
    items,
    keys_per_child: keysPerChild,
    items_per_batch: LIST_RANGES_PER_CHILD,
    max_concurrency: Math.max(1, Math.min(LIST_MAX_CONCURRENCY, Math.ceil(list.count / LIST_RANGES_PER_CHILD))),
  };
}

/** What one List source child receives: its batch of range indexes and the Map's `BatchInput`. */
export interface ListBatchInput {
  Items: number[];
  BatchInput: { listing: ListingState };
}

/**
 * One List source child: lists its ranges in turn within the child's key
 * budget and `deadline`, staging each range's piece (a range it has no
 * budget left for comes back whole as the rest). A range already staged
 * (a retried child) is skipped.
 *
 * @param deps - the workflow's dependencies
 * @param input - the batch
 * @param deadline - epoch ms after which it stops listing
 * @returns how many ranges it listed and how many objects
 */
export async function listSourceRanges(deps: WorkflowDeps, input: ListBatchInput, deadline: number): Promise<{ ranges: number; objects: number }> {
  const { listing } = input.BatchInput;
  const backupId = listing.planned.context.backup_id;
  const vault = await vaultAt(deps, listing.planned.context);
  const plan = await readRequiredStaged<StagedPlan<SourceConfig>>(vault, backupId, 'plan');
  const source = deps.source(plan.source);
  if (!source.planPiece) throw new InvalidJobError(`a ${plan.source.type} source is not planned by listing`);
  let left = listing.keys_per_child;
  for (const index of input.Items) {
    const name = pieceName(listing.round, index);
    const done = await readStaged<ListedPiece>(vault, backupId, name);
    if (done) {
      left -= totalsOf([done]).objects;
      continue;
    }
    const range = await readListItem<KeyRange>(vault, listing.ranges, index);
    const piece: ListedPiece = left > 0 && Date.now() < deadline ? await source.planPiece(range, { maxKeys: left, deadline }) : { ranges: [], rest: [range] };
    left -= totalsOf([piece]).objects;
    await writeStaged(vault, backupId, name, piece);
  }
  return { ranges: input.Items.length, objects: listing.keys_per_child - left };
}

/** What Join listing does once nothing is left to list: plan the partitions from every piece's ranges, in any order (plan.ts joins them). */
export type PlanFromRanges = (planned: HolderPlan, config: SourceConfig, description: Record<string, unknown>, ranges: ListedPiece['ranges']) => Promise<PlanOutput>;

/**
 * Join listing: gathers the round's pieces; stages what they left as the
 * next round, or, when nothing is left, joins every piece of every round
 * (their ranges) and hands them to `plan`.
 *
 * @param deps - the workflow's dependencies
 * @param state - the listing state (Plan's or the previous Join's output)
 * @param plan - plans the partitions from the joined ranges
 * @returns the next round's listing state, or Plan's output
 */
export async function joinListing(deps: WorkflowDeps, state: ListingOutput, plan: PlanFromRanges): Promise<ListingOutput | PlanOutput> {
  const { listing } = state;
  const backupId = listing.planned.context.backup_id;
  const vault = await vaultAt(deps, listing.planned.context);
  const indexes = Array.from({ length: listing.ranges.count }, (_, i) => i);
  const round = await mapLimit(indexes, READ_CONCURRENCY, (i) => readRequiredStaged<ListedPiece>(vault, backupId, pieceName(listing.round, i)));
  const rest = round.flatMap((piece) => piece.rest);
  if (rest.length > 0) return { execution_id: state.execution_id, listing: await stageRound(deps, vault, listing.planned, listing.round + 1, rest, listing.keys_per_child) };
  const names = (await listStaged(vault, backupId)).filter((name) => name.startsWith('listing/'));
  const pieces = await mapLimit(names, READ_CONCURRENCY, (name) => readRequiredStaged<ListedPiece>(vault, backupId, name));
  const config = (await readRequiredStaged<StagedPlan<SourceConfig>>(vault, backupId, 'plan')).source;
  const source = deps.source(config);
  const description = await source.describe(totalsOf(pieces));
  return plan(listing.planned, config, description, pieces.flatMap((p) => p.ranges));
}
