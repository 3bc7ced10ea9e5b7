/**
 * Plain puts of up to 25 items in one BatchWriteItem. A batch may succeed
 * only in part: the items DynamoDB hands back as UnprocessedItems (it was
 * throttled) are sent again after a full-jitter backoff, up to a capped
 * number of attempts. Errors of the call itself (throttling of the whole
 * request, 5xx) are retried by the client first.
 */
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { SourceUnavailableError } from '../errors.js';
import { backoffDelay, sleep, type RetryPolicy } from '../retry.js';
import { mapDynamoDbError } from './errors.js';
import type { Item } from './item-codec.js';

/** DynamoDB's largest BatchWriteItem. */
export const MAX_BATCH_WRITE_ITEMS = 25;

/**
 * Puts `items` (at most 25, no two with the same key) into `table`.
 * @throws SourceUnavailableError when items are still unprocessed after `retry.maxAttempts` calls
 */
export async function batchPut(client: DynamoDBClient, table: string, items: readonly Item[], retry: RetryPolicy): Promise<void> {
  let pending: WriteRequest[] = items.map((Item) => ({ PutRequest: { Item } }));
  for (let attempt = 1; ; attempt++) {
    let unprocessed: WriteRequest[];
    try {
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      unprocessed = out.UnprocessedItems?.[table] ?? [];
    } catch (error) {
      throw mapDynamoDbError(error, { table, operation: 'BatchWriteItem' });
    }
    if (unprocessed.length === 0) return;
    if (attempt >= retry.maxAttempts) {
      throw new SourceUnavailableError(
        `BatchWriteItem dynamodb table ${table}: ${unprocessed.length} of ${items.length} items still unprocessed after ${attempt} attempts (throttled)`,
      );
    }
    await sleep(backoffDelay(attempt - 1, retry));
    pending = unprocessed;
  }
}
