/**
 * `skip_existing` writes: one PutItem per item with the condition
 * `attribute_not_exists(<hash key>)`, so an item already in the table is
 * never touched, not even one written between our check and our write
 * (a BatchGetItem-then-BatchWriteItem scheme would be cheaper in calls but
 * could overwrite an item that appears in between). The price is one request
 * per item instead of one per 25; callers keep many in flight.
 */
import { ConditionalCheckFailedException, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mapDynamoDbError } from './errors.js';
import type { Item } from './item-codec.js';

/**
 * Puts `item` unless an item with its key exists.
 * @returns true when written, false when an item with that key was already there
 */
export async function putIfAbsent(client: DynamoDBClient, table: string, hashKey: string, item: Item): Promise<boolean> {
  try {
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#hash)',
        ExpressionAttributeNames: { '#hash': hashKey },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw mapDynamoDbError(error, { table, operation: 'PutItem' });
  }
}
