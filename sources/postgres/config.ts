/**
 * A PostgreSQL source and restore destination as a job or restore names
 * them: `secret_arn` (the connection lives in Secrets Manager, never in the
 * record), optional `database` (overrides the secret's, e.g. to restore into
 * another database on the same server), the table selection globs
 * (docs/POSTGRES.md), and, for a source, tuning.
 */
import { z } from 'zod';
import { Globs, restoreFlags } from '../config-fields.js';
import { parseOrThrow } from '../validate.js';

/** The `type` names of a PostgreSQL source (the seed's `database` among them); the first is the canonical one. */
export const POSTGRES_TYPES = ['postgresql', 'postgres', 'database'] as const;

const PostgresType = z.enum(POSTGRES_TYPES);

/** A Secrets Manager secret ARN. */
export const SecretArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret ARN')
  .meta({ example: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:haven/orders-db-AbCdEf' });

/** Where the database is and which of its schemas and tables (globs such as `temp_*`). */
const selection = {
  type: PostgresType,
  secret_arn: SecretArn,
  database: z.string().min(1).max(63).optional().meta({ description: "Overrides the secret's database" }),
  schemas: Globs.optional(),
  exclude_schemas: Globs.optional(),
  tables: Globs.optional(),
  exclude_tables: Globs.optional(),
};

/** A PostgreSQL database a job backs up; its connection settings live in the secret. */
export const PostgresSourceSchema = z.strictObject({
  ...selection,
  rows_per_partition: z.number().int().min(1000).max(100_000_000).optional(),
  statement_timeout_ms: z.number().int().min(0).max(86_400_000).optional(),
  connect_timeout_ms: z.number().int().min(100).max(120_000).optional(),
});
/** A PostgreSQL source configuration. */
export type PostgresSourceSettings = z.output<typeof PostgresSourceSchema>;

/** A PostgreSQL database a restore writes. */
export const PostgresDestinationSchema = z.strictObject({ ...selection, ...restoreFlags });
/** A PostgreSQL restore destination. */
export type PostgresDestination = z.output<typeof PostgresDestinationSchema>;

/** What the engine's source and target read: a source's fields or a destination's (others are dropped). */
const either = PostgresSourceSchema.extend(restoreFlags).strip();

/** A validated PostgreSQL source or destination configuration. */
export type PostgresConfig = z.output<typeof either>;

/** Validates a job's source (or a restore's destination). @throws InvalidSourceConfigError */
export function parsePostgresConfig(config: Record<string, unknown>): PostgresConfig {
  return parseOrThrow(either, config, 'a PostgreSQL source or destination');
}
