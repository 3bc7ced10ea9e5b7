/**
 * The snapshot holder (docs/POSTGRES.md, "Snapshot holder"): a source whose
 * partitions must all read one instant that a process holds open
 * (PostgreSQL's exported snapshot, `BackupSource.holdSnapshot`) is backed up
 * by a Parallel state of two branches:
 *
 * - **Hold snapshot** opens the instant, stages its reference
 *   (`snapshot-holder` in the backup's staging area) and keeps it open until
 *   the other branch stages the release marker (`snapshot-release`), the
 *   run's end clears the staging area, its session drops, or its budget (its
 *   function's time less {@link HOLDER_MARGIN_MS}) ends; it then lets the
 *   instant go and returns how it ended.
 * - **Plan partitions** waits (at most {@link SNAPSHOT_WAIT_MS}) for the
 *   reference, plans the partitions in the imported instant, and refuses a
 *   backup whose estimated export outlasts the holder's window
 *   ({@link exportWindowProblem}); the Export partitions Map follows, then
 *   **Release snapshot** stages the marker.
 *
 * A holder that ends early makes every partition that has not yet imported
 * the snapshot fail with `SnapshotExpired`: the backup fails, never mixing instants.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { HeldSnapshot } from '../../../sources/source.js';
import type { Vault } from '../../../vault/repository/vault.js';
import { readStaged, stagingPrefix, writeStaged } from '../../../vault/staging/staging.js';
import { isTerminal } from '../../catalog/status.js';
import type { WorkflowDeps } from '../deps.js';
import { InvalidJobError, SnapshotHolderError, SnapshotWindowError } from '../errors.js';
import { planPartitions } from './plan.js';
import type { BackupContext, HolderPlan, PlanOutput } from './types.js';
import { vaultAt } from '../vault-opener.js';

/** The holder function's timeout (the step table's `holdSnapshot` sizing reads it): Lambda's longest. */
export const SNAPSHOT_HOLDER_TIMEOUT_SECONDS = 900;
/** What the holder leaves of its function's time to roll back, close the session and return. */
export const HOLDER_MARGIN_MS = 20_000;
/** How often the holder looks for the release marker and probes its session. */
export const HOLDER_POLL_MS = 1000;
/** How long Plan partitions waits for the holder's reference (the holder's cold start, connect and lock, and its retries). */
export const SNAPSHOT_WAIT_MS = 180_000;
/** How often Plan partitions looks for the reference. */
const WAIT_POLL_MS = 250;
/** Every this many looks, Plan partitions also checks whether the run has ended meanwhile. */
const RECORD_CHECK_POLLS = 8;
/**
 * Bytes per second one export function reads from PostgreSQL (the COPY text
 * of a partition, through chunking, compression, encryption and upload),
 * measured with `npm run bench:postgres` (docs/POSTGRES.md, "Snapshot
 * holder"), rounded down.
 */
export const HELD_EXPORT_BYTES_PER_SECOND = 5_000_000;

/** The staged names of the holder's reference and of the release marker. */
export const HolderStaged = { Published: 'snapshot-holder', Release: 'snapshot-release' } as const;

/** What the holder stages for Plan partitions. */
export interface PublishedSnapshot {
  /** The source's reference (`HeldSnapshot.ref`). */
  ref: Record<string, unknown>;
  /** When the holder opened it. */
  held_at: string;
}

/** How a holder ended. */
export const HolderEnd = {
  /** The export branch staged the release marker, or the run's end cleared the staging area. */
  Released: 'released',
  /** Its budget ran out first: partitions that had not imported the snapshot fail with `SnapshotExpired`. */
  Budget: 'budget',
  /** Its session dropped (or stopped answering). */
  SessionLost: 'session-lost',
} as const;
export type HolderEnd = (typeof HolderEnd)[keyof typeof HolderEnd];

/** What Hold snapshot returns (into the execution's history). */
export interface HolderResult {
  snapshot: Record<string, unknown>;
  held_at: string;
  ended_at: string;
  ended: HolderEnd;
  message: string;
}

/**
 * The holder's budget: its function's remaining time less {@link HOLDER_MARGIN_MS},
 * or a shorter one a test sets (`override`, from an undeployed variable).
 *
 * @param remainingMs - the invocation's remaining time (`context.getRemainingTimeInMillis()`)
 * @param override - milliseconds, when set
 */
export function holderBudgetMs(remainingMs: number, override?: string): number {
  const budget = Math.max(0, remainingMs - HOLDER_MARGIN_MS);
  const asked = override === undefined || override === '' ? NaN : Number(override);
  return Number.isFinite(asked) && asked >= 0 ? Math.min(asked, budget) : budget;
}

/**
 * Runs Hold snapshot: opens the source's instant, publishes it, holds it until released or out of budget.
 *
 * @param budgetMs - how long it may hold ({@link holderBudgetMs})
 * @throws InvalidJobError for a source that holds no snapshot; the source's errors while opening it
 */
export async function holdBackupSnapshot(deps: WorkflowDeps, input: { holder: HolderPlan }, budgetMs: number): Promise<HolderResult> {
  const deadline = Date.now() + Math.max(0, budgetMs);
  const { job_id: jobId, backup_id: backupId } = input.holder.context;
  const source = deps.source((await deps.catalog.getJob(jobId)).source);
  if (!source.holdSnapshot) throw new InvalidJobError(`job ${jobId}: its source has no snapshot to hold`);
  const vault = await vaultAt(deps, input.holder.context);
  const held = await source.holdSnapshot();
  const heldAt = deps.now().toISOString();
  let ended: HolderEnd;
  try {
    await writeStaged(vault, backupId, HolderStaged.Published, { ref: held.ref, held_at: heldAt } satisfies PublishedSnapshot);
    ended = await holdUntilReleased(vault, backupId, held, deadline);
  } finally {
    await held.close();
  }
  const endedAt = deps.now().toISOString();
  return { snapshot: held.ref, held_at: heldAt, ended_at: endedAt, ended, message: endMessage(ended, budgetMs) };
}

function endMessage(ended: HolderEnd, budgetMs: number): string {
  switch (ended) {
    case HolderEnd.Released:
      return 'released after the partitions were exported (or the run ended)';
    case HolderEnd.Budget:
      return `its budget of ${Math.round(budgetMs / 1000)} s ran out before the release: partitions that had not imported the snapshot fail with SnapshotExpired`;
    default:
      return 'its database session ended before the release: partitions that had not imported the snapshot fail with SnapshotExpired';
  }
}

/** Polls for the release (the marker, or the reference gone with the staging area) while the session lives and the budget lasts. */
async function holdUntilReleased(vault: Vault, backupId: string, held: HeldSnapshot, deadline: number): Promise<HolderEnd> {
  const key = (name: string) => `${stagingPrefix(backupId)}${name}`;
  for (;;) {
    // A failed read is not a release: look again at the next poll.
    const [released, published] = await Promise.all([vault.store.head(key(HolderStaged.Release)), vault.store.head(key(HolderStaged.Published))]).catch(() => [false, true]);
    if (released || !published) return HolderEnd.Released;
    if (!(await held.alive())) return HolderEnd.SessionLost;
    const left = deadline - Date.now();
    if (left <= 0) return HolderEnd.Budget;
    await sleep(Math.min(HOLDER_POLL_MS, left));
  }
}

/**
 * Why a backup of `bytes` at up to `concurrency` functions at once cannot
 * finish its export within the holder's window (after `heldForMs` of it
 * went by already), or undefined when it can.
 *
 * @param bytes - the source's estimate (PostgreSQL: the selected tables' `pg_table_size`)
 * @param concurrency - export functions at once (the Map's `max_concurrency`)
 * @param heldForMs - how long the holder has held the snapshot so far
 */
export function exportWindowProblem(bytes: number, concurrency: number, heldForMs: number): string | undefined {
  const windowSeconds = (SNAPSHOT_HOLDER_TIMEOUT_SECONDS * 1000 - HOLDER_MARGIN_MS - heldForMs) / 1000;
  const seconds = bytes / (HELD_EXPORT_BYTES_PER_SECOND * Math.max(1, concurrency));
  if (seconds <= windowSeconds) return undefined;
  const mb = (n: number) => `${Math.round(n / 1e6).toLocaleString('en-US')} MB`;
  return (
    `the selected tables hold about ${mb(bytes)}; at ${mb(HELD_EXPORT_BYTES_PER_SECOND)}/s per export function and ${concurrency} at once the export needs about ` +
    `${Math.ceil(seconds)} s, longer than the ${Math.floor(windowSeconds)} s the snapshot can still be held (one function of ${SNAPSHOT_HOLDER_TIMEOUT_SECONDS} s): ` +
    `raise custom_parameters.max_concurrency (up to ${Math.ceil(bytes / (HELD_EXPORT_BYTES_PER_SECOND * Math.max(1, windowSeconds)))} needed), or back up fewer tables per job (docs/POSTGRES.md, "Snapshot holder")`
  );
}

/**
 * Waits for the holder's reference; stops early once the run's record has
 * ended (a holder that failed fails the Parallel, and Mark failed ends the record).
 * @throws SnapshotHolderError when none comes within `timeoutMs`, or the run ended first
 */
async function publishedSnapshot(deps: WorkflowDeps, vault: Vault, context: HolderPlan['context'], timeoutMs: number): Promise<PublishedSnapshot> {
  const deadline = Date.now() + timeoutMs;
  const fail = (why: string) => new SnapshotHolderError(`backup ${context.backup_id}: the snapshot holder published no snapshot ${why} (see its Hold snapshot state for why)`);
  for (let poll = 1; ; poll++) {
    const published = await readStaged<PublishedSnapshot>(vault, context.backup_id, HolderStaged.Published);
    if (published) return published;
    if (Date.now() >= deadline) throw fail(`within ${Math.round(timeoutMs / 1000)} s`);
    if (poll % RECORD_CHECK_POLLS === 0 && isTerminal((await deps.catalog.executions.get(context.execution_id)).status)) throw fail('before the run ended');
    await sleep(WAIT_POLL_MS);
  }
}

/**
 * Runs Plan partitions (the export branch, under a held snapshot): waits for
 * the holder's reference, plans in the imported snapshot, and refuses a
 * backup the window cannot hold.
 *
 * @throws SnapshotHolderError (no reference in time), SnapshotWindowError (too big for the window),
 *   the source's errors (`SnapshotExpired` when the holder already ended)
 */
export async function planHeldPartitions(deps: WorkflowDeps, input: { holder: HolderPlan }, waitMs = SNAPSHOT_WAIT_MS): Promise<PlanOutput> {
  const { holder } = input;
  const vault = await vaultAt(deps, holder.context);
  const published = await publishedSnapshot(deps, vault, holder.context, waitMs);
  const job = await deps.catalog.getJob(holder.context.job_id);
  const source = deps.source(job.source);
  if (!source.importSnapshot) throw new InvalidJobError(`job ${job.job_id}: its source cannot import a held snapshot`);
  source.importSnapshot(published.ref);
  // Described once: planPartitions reads the same description.
  const bytes = Number((await source.describe()).size_bytes) || 0;
  const output = await planPartitions(deps, job, source, holder);
  const problem = exportWindowProblem(bytes, output.max_concurrency, deps.now().getTime() - Date.parse(published.held_at));
  if (problem) throw new SnapshotWindowError(`backup ${holder.context.backup_id}: ${problem}`);
  return { ...output, holder };
}

/** Runs Release snapshot: stages the marker the holder polls for (after the last partition committed). */
export async function releaseBackupSnapshot(deps: WorkflowDeps, input: { context: Pick<BackupContext, 'backup_id' | 'vault_uri'> }): Promise<void> {
  await writeStaged(await vaultAt(deps, input.context), input.context.backup_id, HolderStaged.Release, { released_at: deps.now().toISOString() });
}
