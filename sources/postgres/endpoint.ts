/** Resolving a configuration to a session: read the secret, apply the `database` override, connect. */
import type pg from 'pg';
import { openSession } from './connection.js';
import type { PostgresConfig } from './config.js';
import { SessionPool } from './session-pool.js';
import { readConnectionSecret, type PostgresConnection } from './secret.js';

/** Opens sessions for one source or target configuration; reads its secret once. */
export class PostgresEndpoint {
  private connection: Promise<PostgresConnection> | undefined;
  /** Sessions partitions hand back for the next partition (see `session-pool.ts`). */
  readonly pool = new SessionPool(() => this.open());

  /** @param connection - settings to use instead of reading the secret (the bench, tools) */
  constructor(
    private readonly config: PostgresConfig,
    connection?: PostgresConnection,
  ) {
    if (connection) this.connection = Promise.resolve(connection);
  }

  /** The connection settings (secret read on first use). */
  settings(): Promise<PostgresConnection> {
    if (!this.connection) {
      this.connection = readConnectionSecret(this.config.secret_arn).then((c) => (this.config.database ? { ...c, database: this.config.database } : c));
      this.connection.catch(() => (this.connection = undefined));
    }
    return this.connection;
  }

  /** A new session with the configured timeouts. */
  async open(): Promise<pg.Client> {
    return openSession(await this.settings(), {
      ...(this.config.statement_timeout_ms !== undefined ? { statementTimeoutMs: this.config.statement_timeout_ms } : {}),
      ...(this.config.connect_timeout_ms !== undefined ? { connectTimeoutMs: this.config.connect_timeout_ms } : {}),
    });
  }
}
