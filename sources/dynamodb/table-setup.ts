/**
 * What a restore's `prepare` does to a DynamoDB table: find it, create it
 * from a snapshot's schema (wait until ACTIVE, then enable TTL), check its
 * keys match the backup's, and check whether it holds any item.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ScanCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { isDeepStrictEqual } from 'node:util';
import { InvalidSourceConfigError, SourceUnavailableError } from '../errors.js';
import { mapDynamoDbError } from './errors.js';
import { createTableInput, keyAttributesOf, type TableSchema } from './table-schema.js';

/** Longest wait for a new table to become ACTIVE, in seconds. */
const ACTIVE_TIMEOUT_SECONDS = 600;

/** DescribeTable of `table`, or undefined when it does not exist. */
export async function findTable(client: DynamoDBClient, table: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: table }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw mapDynamoDbError(error, { table, operation: 'DescribeTable' });
  }
}

/** Waits until `table` is ACTIVE. */
export async function waitUntilActive(client: DynamoDBClient, table: string): Promise<void> {
  try {
    await waitUntilTableExists({ client, maxWaitTime: ACTIVE_TIMEOUT_SECONDS, minDelay: 1, maxDelay: 20 }, { TableName: table });
  } catch (error) {
    throw new SourceUnavailableError(`dynamodb table ${table} did not become ACTIVE within ${ACTIVE_TIMEOUT_SECONDS} s`, { cause: error });
  }
}

/**
 * Creates `table` with `schema` (keys, attribute definitions, indexes,
 * billing, stream), waits until it is ACTIVE, then enables TTL if the schema
 * has it.
 * @returns false when another caller created the table first (it was then left as it is)
 */
export async function createTable(client: DynamoDBClient, table: string, schema: TableSchema): Promise<boolean> {
  try {
    await client.send(new CreateTableCommand(createTableInput(table, schema)));
  } catch (error) {
    if (error instanceof ResourceInUseException) {
      await waitUntilActive(client, table);
      return false;
    }
    throw mapDynamoDbError(error, { table, operation: 'CreateTable' });
  }
  await waitUntilActive(client, table);
  if (schema.TimeToLive) {
    try {
      await client.send(
        new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: schema.TimeToLive.AttributeName, Enabled: true } }),
      );
    } catch (error) {
      throw mapDynamoDbError(error, { table, operation: 'UpdateTimeToLive' });
    }
  }
  return true;
}

/**
 * @throws InvalidSourceConfigError when the existing table's hash and range
 *   keys (names and types) differ from the backup's: its items could not be written
 */
export function assertSameKeys(existing: TableDescription, schema: TableSchema, table: string): void {
  const have = keyAttributesOf(existing);
  const want = keyAttributesOf(schema);
  if (!isDeepStrictEqual(have, want)) {
    throw new InvalidSourceConfigError(`dynamodb table ${table} has keys ${JSON.stringify(have)}, the backup has ${JSON.stringify(want)}`);
  }
}

/** True when `table` holds at least one item (a strongly consistent one-item Scan). */
export async function hasItems(client: DynamoDBClient, table: string): Promise<boolean> {
  try {
    const out = await client.send(new ScanCommand({ TableName: table, Limit: 1, ConsistentRead: true, Select: 'COUNT' }));
    return (out.Count ?? 0) > 0 || out.LastEvaluatedKey !== undefined;
  } catch (error) {
    throw mapDynamoDbError(error, { table, operation: 'Scan' });
  }
}
