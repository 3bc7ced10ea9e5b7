/**
 * Sessions kept between partitions. Opening a session costs both sides
 * (TCP, SCRAM's 4,096 PBKDF2 rounds on each end, a new backend that warms
 * its catalog caches): about 15 ms of server CPU and 8 ms of client CPU on
 * the bench's machine, 0.4 s of the server's 2.1 s for the 26 partitions of
 * a 1,000,000-row backup when each opened its own (docs/POSTGRES.md,
 * Profile). A partition that ended cleanly (committed, outside any
 * transaction) hands its session back; the next partition of the same
 * source or target in this process takes it. An idle session never keeps
 * the process alive (its socket and timer are unreferenced), is closed after
 * {@link IDLE_SESSION_MS}, is not reused once idle longer than that by the
 * clock (a Lambda frozen between invocations), and the server ends it by
 * itself after {@link SERVER_IDLE_TIMEOUT_MS} (`idle_session_timeout`,
 * PostgreSQL 14+; an older server's sessions are not kept).
 */
import type { Socket } from 'node:net';
import type pg from 'pg';

/** How long an idle session is kept for the next partition. */
export const IDLE_SESSION_MS = 2000;
/** The server ends a kept session idle this long (a process frozen or gone with it open). */
export const SERVER_IDLE_TIMEOUT_MS = 30_000;
/** Idle sessions kept at most (a process runs a few partitions at once). */
const MAX_IDLE = 4;

interface Idle {
  client: pg.Client;
  since: number;
}

/** The socket under a `pg` client. */
function socketOf(client: pg.Client): Socket | undefined {
  return (client as unknown as { connection?: { stream?: Socket } }).connection?.stream;
}

/** A process's kept sessions to one database (one per source or target). */
export class SessionPool {
  private idle: Idle[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Clients that may be kept: their server ends them when idle too long. */
  private readonly keepable = new WeakSet<pg.Client>();
  /** Clients whose connection ended. */
  private readonly ended = new WeakSet<pg.Client>();

  constructor(private readonly open: () => Promise<pg.Client>) {}

  /** A kept session, or a new one. */
  async acquire(): Promise<pg.Client> {
    const now = Date.now();
    for (let entry = this.idle.pop(); entry; entry = this.idle.pop()) {
      if (!this.ended.has(entry.client) && now - entry.since < IDLE_SESSION_MS) {
        socketOf(entry.client)?.ref();
        return entry.client;
      }
      void entry.client.end().catch(() => {});
    }
    return this.open();
  }

  /** Hands back a session that ended its work cleanly (no transaction open); it is kept or closed. */
  async release(client: pg.Client): Promise<void> {
    if (!this.keepable.has(client)) {
      try {
        await client.query(`SET idle_session_timeout = ${SERVER_IDLE_TIMEOUT_MS}`);
        client.once('end', () => this.ended.add(client));
        this.keepable.add(client);
      } catch {
        // Before PostgreSQL 14 the server could not end it: not kept.
      }
    }
    if (!this.keepable.has(client) || this.ended.has(client) || this.idle.length >= MAX_IDLE) {
      await client.end().catch(() => {});
      return;
    }
    socketOf(client)?.unref();
    this.idle.push({ client, since: Date.now() });
    this.arm();
  }

  /** Closes every kept session. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const idle = this.idle;
    this.idle = [];
    await Promise.all(idle.map((entry) => entry.client.end().catch(() => {})));
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = Date.now();
      const stale = this.idle.filter((entry) => now - entry.since >= IDLE_SESSION_MS);
      this.idle = this.idle.filter((entry) => now - entry.since < IDLE_SESSION_MS);
      for (const entry of stale) void entry.client.end().catch(() => {});
      if (this.idle.length > 0) this.arm();
    }, IDLE_SESSION_MS);
    this.timer.unref();
  }
}
