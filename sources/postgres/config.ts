/**
 * A PostgreSQL source or restore target as a job or restore names it:
 * `secret_arn` (the connection lives in Secrets Manager, never in the
 * record), optional `database` (overrides the secret's, e.g. to restore into
 * another database on the same server), the table selection globs, and
 * tuning.
 */
import { z } from 'zod';
import { parseOrThrow } from '../validate.js';
import type { TableSelection } from './selection.js';

const globs = z.array(z.string().min(1)).optional();

const schema = z.object({
  secret_arn: z.string().min(1),
  database: z.string().min(1).max(63).optional(),
  schemas: globs,
  exclude_schemas: globs,
  tables: globs,
  exclude_tables: globs,
  rows_per_partition: z.number().int().positive().optional(),
  statement_timeout_ms: z.number().int().nonnegative().optional(),
  connect_timeout_ms: z.number().int().positive().optional(),
});

/** A validated PostgreSQL source or target configuration. */
export type PostgresConfig = z.infer<typeof schema> & TableSelection;

/** Validates a job's source (or a restore's destination). @throws InvalidSourceConfigError */
export function parsePostgresConfig(config: Record<string, unknown>): PostgresConfig {
  return parseOrThrow(schema, config, 'PostgreSQL source');
}
