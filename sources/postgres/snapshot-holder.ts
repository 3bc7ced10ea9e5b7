/**
 * The session that keeps a backup's exported snapshot alive. Plan opens a
 * REPEATABLE READ transaction, takes ACCESS SHARE locks on the selected
 * tables (so none is dropped or rewritten mid-backup) and exports its
 * snapshot (`pg_export_snapshot()`); every partition then imports it with
 * `SET TRANSACTION SNAPSHOT`, the way `pg_dump -j` does, so all tables and
 * partitions read the same instant. The snapshot lives exactly as long as
 * this session's transaction.
 *
 * Holders live in the process that planned. They close when no partition
 * has used them for `idleMs` (refreshed on every use), or when
 * `closeSnapshotHolders` is called; see docs/POSTGRES.md for what that
 * means across Lambda invocations.
 */
import type pg from 'pg';

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
