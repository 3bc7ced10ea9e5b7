/**
 * A DynamoDB source and restore destination as a job or restore names
 * them: `table_name` (and, for a source, scan settings). The engine's
 * source and target (`source.ts`, `target.ts`) check the table itself.
 */
import { z } from 'zod';
import { restoreFlags } from '../config-fields.js';

/** The `type` of a DynamoDB source or destination. */
export const DYNAMODB_TYPE = 'dynamodb';

/** A DynamoDB table name. */
export const DynamoDbTableName = z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name (3–255 of A-Z a-z 0-9 _ . -)');

/** A DynamoDB table a job backs up. */
export const DynamoDbSourceSchema = z.strictObject({
  type: z.literal(DYNAMODB_TYPE),
  table_name: DynamoDbTableName,
  consistent_read: z.boolean().optional(),
  segments: z.number().int().min(1).max(1000).optional().meta({ description: 'Parallel-scan segments (default: sized from the table)' }),
});
/** A DynamoDB source configuration. */
export type DynamoDbSourceSettings = z.output<typeof DynamoDbSourceSchema>;

/** A DynamoDB table a restore writes. */
export const DynamoDbDestinationSchema = z.strictObject({
  type: z.literal(DYNAMODB_TYPE),
  table_name: DynamoDbTableName,
  ...restoreFlags,
});
/** A DynamoDB restore destination. */
export type DynamoDbDestination = z.output<typeof DynamoDbDestinationSchema>;
