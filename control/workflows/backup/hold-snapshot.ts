/**
 * The snapshot holder (docs/POSTGRES.md, "Snapshot holder"): a source whose
 * partitions must all read one instant that a process holds open
 * (PostgreSQL's exported snapshot, `BackupSource.holdSnapshot`) is backed up
 * by a Parallel state of three branches:
 *
 * - **Hold snapshot** and **Hold snapshot (odd)**, two loops of the same
 *   function, hold the instant as a chain of generations: generation 0 (the
 *   even branch's first invocation) opens it and stages its reference
 *   (`snapshot-holder`, with its generation); a generation holds it until
 *   the other branch stages the release marker (`snapshot-release`), the
 *   run's end clears the staging area, its session drops, or its budget
 *   nears its end: then it stages a handoff request (`snapshot-handoff`),
 *   and the other loop's waiting invocation takes the instant over
 *   (`holdSnapshot(from)`: the same instant under a new id), publishes
 *   generation g+1, and the old one ends `handed-off`. An invocation with
 *   nothing to hold waits for a request of its parity, or the release, and
 *   returns `waiting` (invoked again) when its wait ends.
 * - **Plan partitions** waits (at most {@link SNAPSHOT_WAIT_MS}) for the
 *   reference, plans the partitions in the imported instant, and refuses a
 *   backup whose estimated export outlasts the chain's window
 *   ({@link exportWindowProblem}, {@link MAX_SNAPSHOT_HOLD_MS}); the Export
 *   partitions Map follows (each partition imports the generation current
 *   when it starts), then **Release snapshot** stages the marker.
 *
 * A chain that ends early (no successor came, the maximum hold was reached,
 * a session dropped) makes every partition that has not yet imported the
 * snapshot fail with `SnapshotExpired`: the backup fails, never mixing instants.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BackupSource, CurrentSnapshot, HeldSnapshot } from '../../../sources/source.js';
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
/** How often the holder looks for the release marker and probes its session (and a waiting one for a handoff request). */
export const HOLDER_POLL_MS = 1000;
/**
 * How long before its budget ends a generation asks for its successor: the
 * other loop's waiting invocation polls every {@link HOLDER_POLL_MS}, and may
 * be between two invocations (a cold start), then imports, locks and exports.
 * At most half the budget (a test's short budget).
 */
export const HANDOFF_LEAD_MS = 60_000;
/**
 * How long a generation keeps its snapshot after its successor published (a partition that just read the old
 * reference still imports it); at most a quarter of its lead (a test's short budget), so that its loop is
 * soon free to take the next handoff.
 */
export const HANDOFF_GRACE_MS = 10_000;
/**
 * The longest a chain holds one snapshot, from generation 0's export: an
 * open snapshot holds back VACUUM (and HOT pruning) on the whole database,
 * so dead rows and table bloat grow with it. Six hours holds the export of
 * several TiB at the planned throughput and 100 export functions, yet stays
 * within what a busy OLTP database tolerates for one nightly `pg_dump`;
 * longer backups should select fewer tables per job.
 */
export const MAX_SNAPSHOT_HOLD_MS = 6 * 3600_000;
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

/** The staged names of the holder's reference, the release marker and a generation's handoff request. */
export const HolderStaged = { Published: 'snapshot-holder', Release: 'snapshot-release', Handoff: 'snapshot-handoff' } as const;

/** What the current holder generation stages for Plan partitions, the partitions and its successor. */
export interface PublishedSnapshot {
  /** The source's reference (`HeldSnapshot.ref`) of the current generation. */
  ref: Record<string, unknown>;
  /** When generation 0 opened the instant (every generation holds that one). */
  held_at: string;
  /** 0 for the holder that opened it, then one more per handoff (absent: 0, a record of an older holder). */
  generation?: number;
}

/** A generation's request for its successor. */
interface HandoffRequest {
  generation: number;
  requested_at: string;
}

/** How a holder invocation ended. */
export const HolderEnd = {
  /** The export branch staged the release marker, or the run's end cleared the staging area. */
  Released: 'released',
  /** Its budget ran out before a successor came (or the chain reached its maximum hold): partitions that had not imported the snapshot fail with `SnapshotExpired`. */
  Budget: 'budget',
  /** Its session dropped (or stopped answering). */
  SessionLost: 'session-lost',
  /** Its successor published the next generation: the loop invokes it again, to wait. */
  HandedOff: 'handed-off',
  /** It held nothing: no handoff request for its loop came within its wait (the loop invokes it again). */
  Waiting: 'waiting',
} as const;
export type HolderEnd = (typeof HolderEnd)[keyof typeof HolderEnd];

/** What Hold snapshot returns (into the execution's history; the loop's Choice reads `ended`). */
export interface HolderResult {
  ended: HolderEnd;
  message: string;
  /** The generation it held (absent when it held none). */
  generation?: number;
  /** Its reference (absent when it held none). */
  snapshot?: Record<string, unknown>;
  /** When generation 0 opened the instant (absent when it held none). */
  held_at?: string;
  ended_at: string;
}

/** What a holder loop passes: the plan's holder, and which generations the loop runs (0: even, from generation 0; 1: odd). */
export interface HolderInput {
  holder: HolderPlan;
  parity?: 0 | 1;
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
 * Runs one invocation of a holder loop: generation 0 (the even loop's first
 * invocation) opens the source's instant; any other waits for a handoff
 * request of its parity and takes the instant over; then holds it until
 * released, handed off, or out of budget.
 *
 * @param budgetMs - how long it may run ({@link holderBudgetMs}), from its start; a waiting invocation
 *   takes over only within the first half of it (a successor then has at least half a budget to hold)
 * @throws InvalidJobError for a source that holds no snapshot; the source's errors while opening or taking over
 *   (`SnapshotExpired` when the previous generation already ended)
 */
export async function holdBackupSnapshot(deps: WorkflowDeps, input: HolderInput, budgetMs: number): Promise<HolderResult> {
  const started = Date.now();
  const parity = input.parity ?? 0;
  const { job_id: jobId, backup_id: backupId } = input.holder.context;
  const source = deps.source((await deps.catalog.getJob(jobId)).source);
  if (!source.holdSnapshot) throw new InvalidJobError(`job ${jobId}: its source has no snapshot to hold`);
  const vault = await vaultAt(deps, input.holder.context);
  const ended = (how: HolderEnd, message: string): HolderResult => ({ ended: how, message, ended_at: deps.now().toISOString() });
  const current = await readStaged<PublishedSnapshot>(vault, backupId, HolderStaged.Published);
  const taken =
    !current && parity === 0 && !(await vault.store.head(`${stagingPrefix(backupId)}${HolderStaged.Release}`))
      ? { held: await source.holdSnapshot(), published: { ref: {}, held_at: deps.now().toISOString(), generation: 0 } }
      : await takeOver(vault, backupId, source, {
          parity,
          until: started + Math.max(HOLDER_POLL_MS * 2, budgetMs / 2),
          seen: current !== undefined,
          runEnded: async () => isTerminal((await deps.catalog.executions.get(input.holder.context.execution_id)).status),
        });
  if (taken === HolderEnd.Released) return ended(taken, 'held nothing: the snapshot was released (or the run ended) first');
  if (taken === HolderEnd.Waiting) return ended(taken, 'held nothing: no generation asked this loop for a successor within its wait');
  const { held } = taken;
  const published: PublishedSnapshot = { ...taken.published, ref: held.ref };
  const at = { generation: published.generation ?? 0, deadline: started + Math.max(0, budgetMs), budgetMs, heldAt: Date.parse(published.held_at) };
  let how: HolderEnd;
  try {
    await writeStaged(vault, backupId, HolderStaged.Published, published);
    how = await holdUntilReleased(vault, backupId, held, at);
  } finally {
    await held.close();
  }
  return { ...ended(how, endMessage(how, at)), generation: at.generation, snapshot: held.ref, held_at: published.held_at };
}

/**
 * Waits for a handoff request of this loop's parity (generation g asks, g + 1 has `parity`), then takes
 * the published instant over; returns how it ended instead when the release came first or the wait ran out.
 *
 * @param wait.seen - whether a reference was published when the invocation began (its disappearance then means the run ended)
 * @param wait.runEnded - whether the run's record has ended (a run that failed before anything was published
 *   leaves no marker to see: without this a waiting invocation would wait out its whole budget), asked every
 *   {@link RECORD_CHECK_POLLS} polls
 */
async function takeOver(
  vault: Vault,
  backupId: string,
  source: BackupSource,
  wait: { parity: 0 | 1; until: number; seen: boolean; runEnded: () => Promise<boolean> },
): Promise<{ held: HeldSnapshot; published: PublishedSnapshot } | typeof HolderEnd.Released | typeof HolderEnd.Waiting> {
  const release = `${stagingPrefix(backupId)}${HolderStaged.Release}`;
  let seen = wait.seen;
  for (let poll = 1; ; poll++, await sleep(HOLDER_POLL_MS)) {
    if (poll % RECORD_CHECK_POLLS === 0 && (await wait.runEnded().catch(() => false))) return HolderEnd.Released;
    const looked = await Promise.all([
      vault.store.head(release),
      readStaged<PublishedSnapshot>(vault, backupId, HolderStaged.Published),
      readStaged<HandoffRequest>(vault, backupId, HolderStaged.Handoff),
    ]).catch(() => undefined);
    // A failed read is no request and no release: look again at the next poll.
    if (!looked) continue;
    const [released, current, request] = looked;
    seen ||= current !== undefined;
    if (released || (seen && !current)) return HolderEnd.Released;
    // Past its wait, this invocation has too little time left to hold: the loop's next invocation takes over.
    if (Date.now() >= wait.until) return HolderEnd.Waiting;
    const generation = current?.generation ?? 0;
    if (current && request?.generation === generation && (generation + 1) % 2 === wait.parity) {
      // The successor's source errors fail the branch, hence the backup: SnapshotExpired when the generation ended already.
      return { held: await source.holdSnapshot!(current.ref), published: { ...current, generation: generation + 1 } };
    }
  }
}

/** How long before its deadline a generation of `budgetMs` asks for its successor. */
function handoffLeadMs(budgetMs: number): number {
  return Math.min(HANDOFF_LEAD_MS, budgetMs / 2);
}

/**
 * When a generation asks for its successor: {@link HANDOFF_LEAD_MS} (at most half its budget) before its deadline.
 *
 * @param at.deadline - when its budget ends (epoch ms)
 * @param at.budgetMs - its budget
 * @param at.heldAt - when generation 0 opened the instant (epoch ms)
 * @returns epoch ms, or undefined when a successor holding a whole budget would outlast {@link MAX_SNAPSHOT_HOLD_MS} (the chain ends here)
 */
export function handoffAt(at: { deadline: number; budgetMs: number; heldAt: number }): number | undefined {
  const askAt = at.deadline - handoffLeadMs(at.budgetMs);
  return askAt + at.budgetMs - at.heldAt <= MAX_SNAPSHOT_HOLD_MS ? askAt : undefined;
}

function endMessage(ended: HolderEnd, at: { deadline: number; budgetMs: number; heldAt: number }): string {
  switch (ended) {
    case HolderEnd.Released:
      return 'released after the partitions were exported (or the run ended)';
    case HolderEnd.HandedOff:
      return 'handed the snapshot on to the next generation';
    case HolderEnd.Budget:
      return handoffAt(at) === undefined
        ? `the chain reached its maximum hold of ${MAX_SNAPSHOT_HOLD_MS / 3600_000} h before the release: partitions that had not imported the snapshot fail with SnapshotExpired`
        : `its budget of ${Math.round(at.budgetMs / 1000)} s ran out before the release and no successor took the snapshot over: partitions that had not imported it fail with SnapshotExpired`;
    default:
      return 'its database session ended before the release: partitions that had not imported the snapshot fail with SnapshotExpired';
  }
}

/**
 * Polls for the release (the marker, or the reference gone with the staging area) while the session
 * lives and the budget lasts; asks for a successor {@link HANDOFF_LEAD_MS} before the budget ends
 * (unless the chain would outlast {@link MAX_SNAPSHOT_HOLD_MS}) and ends once the successor published.
 */
async function holdUntilReleased(vault: Vault, backupId: string, held: HeldSnapshot, at: { generation: number; deadline: number; budgetMs: number; heldAt: number }): Promise<HolderEnd> {
  const release = `${stagingPrefix(backupId)}${HolderStaged.Release}`;
  const askAt = handoffAt(at);
  const graceMs = Math.min(HANDOFF_GRACE_MS, handoffLeadMs(at.budgetMs) / 4);
  let asked = false;
  for (;;) {
    const looked = await Promise.all([vault.store.head(release), readStaged<PublishedSnapshot>(vault, backupId, HolderStaged.Published)]).catch(() => undefined);
    // A failed read is not a release: look again at the next poll.
    if (looked && (looked[0] || !looked[1])) return HolderEnd.Released;
    if ((looked?.[1]?.generation ?? 0) > at.generation) {
      await sleep(Math.max(0, Math.min(graceMs, at.deadline - Date.now())));
      return HolderEnd.HandedOff;
    }
    if (!(await held.alive())) return HolderEnd.SessionLost;
    const now = Date.now();
    if (now >= at.deadline) return HolderEnd.Budget;
    if (!asked && askAt !== undefined && now >= askAt) {
      // A failed write asks again at the next poll.
      asked = await writeStaged(vault, backupId, HolderStaged.Handoff, { generation: at.generation, requested_at: new Date(now).toISOString() } satisfies HandoffRequest).then(
        () => true,
        () => false,
      );
    }
    await sleep(Math.min(HOLDER_POLL_MS, at.deadline - now));
  }
}

/**
 * Why a backup of `bytes` at up to `concurrency` functions at once cannot
 * finish its export within the chain's window ({@link MAX_SNAPSHOT_HOLD_MS},
 * after `heldForMs` of it went by already), or undefined when it can. A
 * holder function's timeout bounds nothing any more: generations hand the
 * snapshot on; what bounds the hold is the cost of an old snapshot to the source.
 *
 * @param bytes - the source's estimate (PostgreSQL: the selected tables' `pg_table_size`)
 * @param concurrency - export functions at once (the Map's `max_concurrency`)
 * @param heldForMs - how long the holder has held the snapshot so far
 */
export function exportWindowProblem(bytes: number, concurrency: number, heldForMs: number): string | undefined {
  const windowSeconds = (MAX_SNAPSHOT_HOLD_MS - heldForMs) / 1000;
  const seconds = bytes / (HELD_EXPORT_BYTES_PER_SECOND * Math.max(1, concurrency));
  if (seconds <= windowSeconds) return undefined;
  const mb = (n: number) => `${Math.round(n / 1e6).toLocaleString('en-US')} MB`;
  return (
    `the selected tables hold about ${mb(bytes)}; at ${mb(HELD_EXPORT_BYTES_PER_SECOND)}/s per export function and ${concurrency} at once the export needs about ` +
    `${Math.ceil(seconds)} s, longer than the ${Math.floor(windowSeconds)} s the snapshot can still be held (at most ${MAX_SNAPSHOT_HOLD_MS / 3600_000} h: an open snapshot holds back VACUUM): ` +
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
  source.importSnapshot(published.ref, currentSnapshot(vault, holder.context.backup_id));
  // Described once: planPartitions reads the same description.
  const bytes = Number((await source.describe()).size_bytes) || 0;
  const output = await planPartitions(deps, job, source, holder);
  const problem = exportWindowProblem(bytes, output.max_concurrency, deps.now().getTime() - Date.parse(published.held_at));
  if (problem) throw new SnapshotWindowError(`backup ${holder.context.backup_id}: ${problem}`);
  return { ...output, holder };
}

/**
 * Makes `source` read the generation of the held snapshot current now (a partition imports it when it starts:
 * the id planned may belong to a generation that has handed over and ended). Reads nothing for a source that
 * imports no snapshot, or a backup without a holder.
 */
export async function importCurrentSnapshot(vault: Vault, backupId: string, source: BackupSource): Promise<void> {
  if (!source.importSnapshot) return;
  const current = currentSnapshot(vault, backupId);
  const ref = await current();
  if (ref) source.importSnapshot(ref, current);
}

/** Reads the ref of the generation published now (a source re-reads it when the one it read handed over meanwhile). */
function currentSnapshot(vault: Vault, backupId: string): CurrentSnapshot {
  return async () => (await readStaged<PublishedSnapshot>(vault, backupId, HolderStaged.Published))?.ref;
}

/** Runs Release snapshot: stages the marker the holder polls for (after the last partition committed). */
export async function releaseBackupSnapshot(deps: WorkflowDeps, input: { context: Pick<BackupContext, 'backup_id' | 'vault_uri'> }): Promise<void> {
  await writeStaged(await vaultAt(deps, input.context), input.context.backup_id, HolderStaged.Release, { released_at: deps.now().toISOString() });
}
