/** Reads a DynamoDB table into a comparable form (the demo and tests compare restores with it). */
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../../vault/aws/clients.js';
import { encodeItem } from '../../sources/dynamodb/item-codec.js';

/** Every item of a table as `pk|sk` → its exact DynamoDB JSON line. */
export async function scanAll(table: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamoDbClient().send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) out.set(`${item.pk!.S}|${item.sk?.S ?? ''}`, encodeItem(item));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}
