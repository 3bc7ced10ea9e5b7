/**
 * The session that keeps a backup's exported snapshot alive. Plan opens a
 * REPEATABLE READ transaction, takes ACCESS SHARE locks on the selected
 * tables (so none is dropped or rewritten mid-backup) and exports its
 * snapshot (`pg_export_snapshot()`); every partition then imports it with
 * `SET TRANSACTION SNAPSHOT`, the way `pg_dump -j` does, so all tables and
 * partitions read the same instant. The snapshot lives exactly as long as
 * this session's transaction.
 *
 * Two ways to hold it (docs/POSTGRES.md, "Snapshot holder"):
 * - in the backup workflow, a holder function opens the session with
 *   {@link exportSnapshot} and {@link lockTables}, keeps it as a
 *   {@link HeldSnapshot} ({@link heldSession}) until the partitions are done,
 *   and Plan imports it ({@link parseSnapshotRef});
 * - in one process (the bench, a restore's safety backup, tests), the
 *   registry below: holders close when no partition has used them for
 *   `idleMs` (refreshed on every use), or when `closeSnapshotHolders` is called.
 */
import type pg from 'pg';
import type { HeldSnapshot } from '../source.js';
import { literal, qualified } from './connection.js';
import { InvalidSourceConfigError } from '../errors.js';

/** The `application_name` of snapshot-holding sessions (so `release` terminates only those). */
export const HOLDER_APPLICATION = 'haven-snapshot-holder';

/** An exported snapshot, as partitions import it and `release` ends it. */
export interface SnapshotRef {
  /** What `pg_export_snapshot()` returned. */
  id: string;
  /** The backend holding it (its session's pid). */
  holder_pid: number;
}

/** How long {@link heldSession}'s liveness probe waits for the server. */
const PROBE_TIMEOUT_MS = 5000;

/**
 * Names the session a holder, starts its REPEATABLE READ READ ONLY transaction and exports its snapshot.
 *
 * @param from - a snapshot id another session exported: the transaction imports it first
 *   (`SET TRANSACTION SNAPSHOT`), so the id exported here names the same instant (a holder
 *   that takes over from another, docs/POSTGRES.md, "Snapshot holder")
 * @returns the snapshot's id and the session's backend pid
 */
export async function exportSnapshot(client: pg.Client, from?: string): Promise<SnapshotRef> {
  await client.query(`SET application_name = ${literal(HOLDER_APPLICATION)}`);
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  if (from !== undefined) await client.query(`SET TRANSACTION SNAPSHOT ${literal(from)}`);
  const { rows } = await client.query<{ id: string; pid: number }>('SELECT pg_catalog.pg_export_snapshot() AS id, pg_catalog.pg_backend_pid() AS pid');
  return { id: rows[0]!.id, holder_pid: rows[0]!.pid };
}

/**
 * Takes ACCESS SHARE locks on the tables (none is dropped, truncated or rewritten while the transaction lasts; DML goes on).
 *
 * @param nowait - fail at once (55P03) instead of queueing when a conflicting lock is held or
 *   requested: a holder taking over an older instant must not wait behind DDL that would run
 *   as soon as the previous holder ends (its tables would then differ from the snapshot)
 */
export async function lockTables(client: pg.Client, tables: ReadonlyArray<{ schema: string; name: string }>, nowait = false): Promise<void> {
  if (tables.length === 0) return;
  await client.query(`LOCK TABLE ${tables.map((t) => qualified(t.schema, t.name)).join(', ')} IN ACCESS SHARE MODE${nowait ? ' NOWAIT' : ''}`);
}

/**
 * A session whose open transaction exported `ref`, as a {@link HeldSnapshot}:
 * `alive` probes it (false once it dropped, was terminated or stopped
 * answering), `close` rolls back and ends it.
 */
export function heldSession(client: pg.Client, ref: SnapshotRef): HeldSnapshot {
  let closed = false;
  return {
    ref: { ...ref },
    async alive() {
      if (closed) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS)));
      const probe = client.query('SELECT 1').then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([probe, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.query('ROLLBACK').catch(() => {});
      await client.end().catch(() => {});
    },
  };
}

/**
 * The virtual transaction id (`pg_locks.virtualxid`, `backend/local`) of the
 * transaction that exported a snapshot: PostgreSQL names an exported
 * snapshot `%08X-%08X-%d` after them (backend id, local transaction id, count).
 *
 * @returns undefined for an id of another form
 */
export function exportingTransaction(snapshotId: string): string | undefined {
  const parts = /^([0-9A-F]{8})-([0-9A-F]{8})-\d+$/i.exec(snapshotId);
  return parts ? `${parseInt(parts[1]!, 16)}/${parseInt(parts[2]!, 16)}` : undefined;
}

/**
 * A snapshot reference another process published.
 * @throws InvalidSourceConfigError when it is not one
 */
export function parseSnapshotRef(ref: Record<string, unknown>): SnapshotRef {
  const { id, holder_pid: pid } = ref;
  if (typeof id !== 'string' || !/^[0-9A-Fa-f-]+$/.test(id) || typeof pid !== 'number' || !Number.isSafeInteger(pid)) {
    throw new InvalidSourceConfigError(`not a PostgreSQL snapshot reference: ${JSON.stringify(ref).slice(0, 200)}`);
  }
  return { id, holder_pid: pid };
}

/** How long a holder waits for the next partition before it lets the snapshot go. */
export const DEFAULT_HOLDER_IDLE_MS = 10 * 60 * 1000;

interface Holder {
  client: pg.Client;
  active: number;
  timer: NodeJS.Timeout | undefined;
  idleMs: number;
}

const holders = new Map<string, Holder>();

function arm(snapshot: string, holder: Holder): void {
  if (holder.timer) clearTimeout(holder.timer);
  holder.timer = undefined;
  if (holder.active > 0) return;
  holder.timer = setTimeout(() => void closeSnapshotHolder(snapshot), holder.idleMs);
  holder.timer.unref();
}

/** Registers a session whose open transaction exported `snapshot`. */
export function holdSnapshot(snapshot: string, client: pg.Client, idleMs = DEFAULT_HOLDER_IDLE_MS): void {
  const holder: Holder = { client, active: 0, timer: undefined, idleMs };
  holders.set(snapshot, holder);
  arm(snapshot, holder);
}

/** Marks a partition as reading from the snapshot (keeps its holder from idling out); returns the release. */
export function useSnapshot(snapshot: string): () => void {
  const holder = holders.get(snapshot);
  if (!holder) return () => {};
  holder.active += 1;
  arm(snapshot, holder);
  return () => {
    holder.active -= 1;
    arm(snapshot, holder);
  };
}

/** Ends one holder's transaction and session. */
export async function closeSnapshotHolder(snapshot: string): Promise<void> {
  const holder = holders.get(snapshot);
  if (!holder) return;
  holders.delete(snapshot);
  if (holder.timer) clearTimeout(holder.timer);
  await holder.client.query('ROLLBACK').catch(() => {});
  await holder.client.end().catch(() => {});
}

/** Ends every holder of this process (tests, shutdown). */
export async function closeSnapshotHolders(): Promise<void> {
  await Promise.all([...holders.keys()].map(closeSnapshotHolder));
}

/** Snapshots held by this process. */
export function heldSnapshots(): string[] {
  return [...holders.keys()];
}
