/**
 * A DynamoDB table's schema as recorded in a snapshot (the `schema` of the
 * source's description), and what a restore makes of it: the CreateTable
 * request of a missing table and the key attributes to check an existing one
 * against. The schema keeps DynamoDB's own field names, so it reads like the
 * CreateTable request it becomes.
 */
import {
  BillingMode,
  KeyType,
  ProjectionType,
  ScalarAttributeType,
  StreamViewType,
  type CreateTableCommandInput,
  type ProvisionedThroughputDescription,
  type TableDescription,
  type TimeToLiveDescription,
} from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { InvalidSourceConfigError } from '../errors.js';
import { parseOrThrow } from '../validate.js';

const name = z.string().min(1).max(255);
const keySchema = z.array(z.object({ AttributeName: name, KeyType: z.enum(KeyType) })).min(1).max(2);
const throughput = z.object({ ReadCapacityUnits: z.number().int().positive(), WriteCapacityUnits: z.number().int().positive() });
const projection = z.object({ ProjectionType: z.enum(ProjectionType), NonKeyAttributes: z.array(name).optional() });
const localIndex = z.object({ IndexName: name, KeySchema: keySchema, Projection: projection });
const globalIndex = localIndex.extend({ ProvisionedThroughput: throughput.optional() });

/** Validates a table schema read back from a snapshot. */
export const tableSchemaParser = z.object({
  KeySchema: keySchema,
  AttributeDefinitions: z.array(z.object({ AttributeName: name, AttributeType: z.enum(ScalarAttributeType) })).min(1),
  BillingMode: z.enum(BillingMode),
  /** Present for PROVISIONED tables only. */
  ProvisionedThroughput: throughput.optional(),
  GlobalSecondaryIndexes: z.array(globalIndex).optional(),
  LocalSecondaryIndexes: z.array(localIndex).optional(),
  /** Present only when a stream is enabled. */
  StreamSpecification: z.object({ StreamEnabled: z.literal(true), StreamViewType: z.enum(StreamViewType) }).optional(),
  /** Present only when TTL is enabled (or being enabled). */
  TimeToLive: z.object({ AttributeName: name }).optional(),
});
/** A table's schema: keys, attribute definitions, indexes, billing, stream and TTL. */
export type TableSchema = z.infer<typeof tableSchemaParser>;

/** Validates a DynamoDB source's description read back from a snapshot. */
export const tableDescriptionParser = z.object({
  kind: z.literal('dynamodb'),
  table: name,
  table_arn: z.string().optional(),
  /** Approximate, as DynamoDB reports it (updated about every six hours). */
  item_count: z.number().int().nonnegative(),
  /** Approximate, as DynamoDB reports it. */
  size_bytes: z.number().int().nonnegative(),
  schema: tableSchemaParser,
});
/** What `DynamoDbSource.describe` returns. */
export type DynamoDbDescription = z.infer<typeof tableDescriptionParser>;

/** The key attributes of a table: name and scalar type of the hash key and, if any, the range key. */
export interface KeyAttributes {
  hash: { name: string; type: ScalarAttributeType };
  range?: { name: string; type: ScalarAttributeType };
}

type Throughput = z.infer<typeof throughput>;

function capacity(description: ProvisionedThroughputDescription | undefined, provisioned: boolean): Throughput | undefined {
  const read = description?.ReadCapacityUnits ?? 0;
  const write = description?.WriteCapacityUnits ?? 0;
  return provisioned && read > 0 && write > 0 ? { ReadCapacityUnits: read, WriteCapacityUnits: write } : undefined;
}

function projectionOf(p: { ProjectionType?: string; NonKeyAttributes?: string[] } | undefined): z.infer<typeof projection> {
  return { ProjectionType: (p?.ProjectionType as ProjectionType | undefined) ?? ProjectionType.ALL, ...(p?.NonKeyAttributes ? { NonKeyAttributes: [...p.NonKeyAttributes] } : {}) };
}

/**
 * The schema of a described table. Drops everything a CreateTable would not
 * take (status, sizes, ARNs, timestamps); keeps throughput only for
 * PROVISIONED tables.
 */
export function schemaOf(table: TableDescription, ttl: TimeToLiveDescription | undefined): TableSchema {
  const billing = (table.BillingModeSummary?.BillingMode as BillingMode | undefined) ?? BillingMode.PROVISIONED;
  const provisioned = billing === BillingMode.PROVISIONED;
  const tableCapacity = capacity(table.ProvisionedThroughput, provisioned);
  const ttlOn = ttl?.AttributeName && (ttl.TimeToLiveStatus === 'ENABLED' || ttl.TimeToLiveStatus === 'ENABLING');
  return parseOrThrow(tableSchemaParser, {
    KeySchema: table.KeySchema,
    AttributeDefinitions: table.AttributeDefinitions,
    BillingMode: billing,
    ...(tableCapacity ? { ProvisionedThroughput: tableCapacity } : {}),
    ...(table.GlobalSecondaryIndexes?.length
      ? {
          GlobalSecondaryIndexes: table.GlobalSecondaryIndexes.map((index) => {
            const indexCapacity = capacity(index.ProvisionedThroughput, provisioned);
            return { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: projectionOf(index.Projection), ...(indexCapacity ? { ProvisionedThroughput: indexCapacity } : {}) };
          }),
        }
      : {}),
    ...(table.LocalSecondaryIndexes?.length
      ? { LocalSecondaryIndexes: table.LocalSecondaryIndexes.map((index) => ({ IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: projectionOf(index.Projection) })) }
      : {}),
    ...(table.StreamSpecification?.StreamEnabled ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.StreamSpecification.StreamViewType } } : {}),
    ...(ttlOn ? { TimeToLive: { AttributeName: ttl.AttributeName } } : {}),
  }, `the schema of a DynamoDB table (DescribeTable ${table.TableName} answered an unexpected shape)`);
}

/**
 * Reads a DynamoDB source's description back (from a snapshot).
 * @throws InvalidSourceConfigError when it is not one
 */
export function parseDescription(described: Record<string, unknown>): DynamoDbDescription {
  return parseOrThrow(tableDescriptionParser, described, 'a DynamoDB table description');
}

/** The CreateTable request that makes `table` with `schema` (TTL is a separate call once the table is ACTIVE). */
export function createTableInput(table: string, schema: TableSchema): CreateTableCommandInput {
  const { TimeToLive: _ttl, ...create } = schema;
  return { TableName: table, ...create };
}

/**
 * The key attributes of a schema (or of a described table).
 * @throws InvalidSourceConfigError when a key attribute has no definition
 */
export function keyAttributesOf(schema: Pick<TableDescription, 'KeySchema' | 'AttributeDefinitions'>): KeyAttributes {
  const typeOf = (attribute: string | undefined) => {
    const type = schema.AttributeDefinitions?.find((d) => d.AttributeName === attribute)?.AttributeType;
    if (!attribute || !type) throw new InvalidSourceConfigError(`key attribute ${JSON.stringify(attribute)} has no attribute definition`);
    return { name: attribute, type };
  };
  const hash = schema.KeySchema?.find((k) => k.KeyType === KeyType.HASH)?.AttributeName;
  const range = schema.KeySchema?.find((k) => k.KeyType === KeyType.RANGE)?.AttributeName;
  return { hash: typeOf(hash), ...(range ? { range: typeOf(range) } : {}) };
}
