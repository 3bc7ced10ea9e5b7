/**
 * Sources a job reads and destinations a restore writes. Credentials are
 * never part of a request: a source that needs them names a Secrets
 * Manager secret in `secret_arn`.
 */
import { z } from 'zod';

/** A Secrets Manager secret ARN. */
export const SecretArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret ARN')
  .meta({ example: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:haven/orders-db-AbCdEf' });

/** A DynamoDB table name. */
export const TableName = z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name (3–255 of A-Z a-z 0-9 _ . -)');

/** An S3 bucket name (the engine checks it further). */
export const BucketName = z.string().min(2).max(255);

/** A key prefix (a folder); `..` and `.` segments are refused. */
export const Prefix = z.string().max(1024);

const Globs = z.array(z.string().min(1).max(1024)).max(100);

/** A DynamoDB table. */
export const DynamoDbSourceSchema = z.strictObject({
  type: z.literal('dynamodb'),
  table_name: TableName,
  consistent_read: z.boolean().optional(),
  segments: z.number().int().min(1).max(1000).optional().meta({ description: 'Parallel-scan segments (default: sized from the table)' }),
});

/** An S3 bucket prefix. */
export const S3SourceSchema = z.strictObject({
  type: z.literal('s3'),
  bucket: BucketName,
  prefix: Prefix.optional(),
  include: Globs.optional(),
  exclude: Globs.optional(),
});

/** The type names of a PostgreSQL source (the seed's `database` among them). */
const PostgresType = z.enum(['postgresql', 'postgres', 'database']);

/** Which schemas and tables of a PostgreSQL database (globs such as `temp_*`; docs/POSTGRES.md). */
const postgresSelection = {
  secret_arn: SecretArn,
  database: z.string().min(1).max(63).optional().meta({ description: "Overrides the secret's database" }),
  schemas: Globs.optional(),
  exclude_schemas: Globs.optional(),
  tables: Globs.optional(),
  exclude_tables: Globs.optional(),
};

/** A PostgreSQL database; its connection settings live in the secret. */
export const PostgresSourceSchema = z.strictObject({
  type: PostgresType,
  ...postgresSelection,
  rows_per_partition: z.number().int().min(1000).max(100_000_000).optional(),
  statement_timeout_ms: z.number().int().min(0).max(86_400_000).optional(),
  connect_timeout_ms: z.number().int().min(100).max(120_000).optional(),
});

/** What a job backs up. */
export const SourceSchema = z.discriminatedUnion('type', [DynamoDbSourceSchema, S3SourceSchema, PostgresSourceSchema]).meta({ id: 'Source' });

const ConflictPolicySchema = z.enum(['fail_if_exists', 'overwrite', 'skip_existing']);

/** Fields every restore destination takes. */
const restoreFlags = {
  overwrite_existing: z.boolean().optional().meta({ description: 'Shorthand for conflict_policy overwrite' }),
  create_missing_tables: z.boolean().optional(),
  conflict_policy: ConflictPolicySchema.optional(),
};

/** Where a restore writes. */
export const RestoreDestinationSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('dynamodb'), table_name: TableName, ...restoreFlags }),
    z.strictObject({ type: z.literal('s3'), bucket: BucketName, prefix: Prefix.optional(), ...restoreFlags }),
    z.strictObject({ type: PostgresType, ...postgresSelection, ...restoreFlags }),
  ])
  .meta({ id: 'RestoreDestination' });

export { ConflictPolicySchema };
