/**
 * Every source kind's configuration schemas, as one discriminated union
 * each (on `type`): what a job may back up and what a restore may write.
 * Each kind owns its schemas (`<kind>/config.ts`); the API's request
 * schemas, the catalog's types and the workflows all derive from these.
 */
import { z } from 'zod';
import { DYNAMODB_TYPE, DynamoDbDestinationSchema, DynamoDbSourceSchema } from './dynamodb/config.js';
import { POSTGRES_TYPES, PostgresDestinationSchema, PostgresSourceSchema } from './postgres/config.js';
import { S3_TYPE, S3DestinationSchema, S3SourceSchema } from './s3/config.js';
import { InvalidSourceConfigError } from './errors.js';
import { parseOrThrow } from './validate.js';

/** Every source kind's `type` names. */
export const SOURCE_TYPES = [DYNAMODB_TYPE, S3_TYPE, ...POSTGRES_TYPES] as const;
/** One of {@link SOURCE_TYPES}. */
export type SourceType = (typeof SOURCE_TYPES)[number];

/** What a job backs up. */
export const SourceConfigSchema = z.discriminatedUnion('type', [DynamoDbSourceSchema, S3SourceSchema, PostgresSourceSchema]);
/** A source configuration. */
export type SourceConfig = z.output<typeof SourceConfigSchema>;

/** Where a restore writes. */
export const RestoreDestinationSchema = z.discriminatedUnion('type', [DynamoDbDestinationSchema, S3DestinationSchema, PostgresDestinationSchema]);
/** A restore destination. */
export type RestoreDestination = z.output<typeof RestoreDestinationSchema>;

/** The union member whose `type` is `type`, if any. */
function kindOf<Kind extends { shape: { type: z.ZodType } }>(kinds: readonly Kind[], type: unknown): Kind | undefined {
  return kinds.find((kind) => kind.shape.type.safeParse(type).success);
}

/**
 * A stored configuration parsed with its kind's schema. Fields the schema
 * does not name are dropped, not refused: requests are refused for them,
 * a record written before a field went away still runs.
 *
 * @throws InvalidSourceConfigError for an unknown type, naming each problem
 */
function parseStored<Union extends { options: ReadonlyArray<z.ZodObject & { shape: { type: z.ZodType } }> }>(union: Union, value: unknown, what: string): unknown {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  const kind = kindOf(union.options, type);
  if (!kind) throw new InvalidSourceConfigError(`not ${what}: type ${JSON.stringify(type)} is not one of ${SOURCE_TYPES.join(', ')}`);
  return parseOrThrow(kind.strip(), value, what);
}

/** A stored source configuration, parsed. @throws InvalidSourceConfigError naming each problem */
export function parseSourceConfig(value: unknown): SourceConfig {
  return parseStored(SourceConfigSchema, value, 'a source configuration') as SourceConfig;
}

/** A stored restore destination, parsed. @throws InvalidSourceConfigError naming each problem */
export function parseRestoreDestination(value: unknown): RestoreDestination {
  return parseStored(RestoreDestinationSchema, value, 'a restore destination') as RestoreDestination;
}

/**
 * The source configuration that reads what a destination holds (a safety
 * backup of a restore's target, a test restore read back): the
 * destination's fields its kind's source schema takes, and `extra` ones.
 *
 * @param destination - a stored destination
 * @throws InvalidSourceConfigError when the result is not a source configuration
 */
export function sourceConfigOf(destination: unknown, extra: Record<string, unknown> = {}): SourceConfig {
  return parseSourceConfig({ ...parseRestoreDestination(destination), ...extra });
}
