import { test } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDbClient, dynamoDbDocumentClient } from '../../vault/aws/clients.js';

async function createTable(): Promise<string> {
  const table = `haven-test-${randomUUID()}`;
  await dynamoDbClient().send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'status', AttributeType: 'S' },
        { AttributeName: 'startedAt', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStatus',
          KeySchema: [
            { AttributeName: 'status', KeyType: 'HASH' },
            { AttributeName: 'startedAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  const described = await dynamoDbClient().send(new DescribeTableCommand({ TableName: table }));
  assert.equal(described.Table?.TableStatus, 'ACTIVE');
  assert.equal(described.Table?.GlobalSecondaryIndexes?.[0]?.IndexName, 'byStatus');
  return table;
}

test('conditional put succeeds once, then fails with ConditionalCheckFailedException', async () => {
  // Prepare
  const table = await createTable();
  const doc = dynamoDbDocumentClient();
  const item = { pk: 'job#1', sk: 'meta', status: 'RUNNING', startedAt: '2025-01-01T00:00:00Z', bytes: 42 };

  // Act
  await doc.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
  const second = doc.send(new PutCommand({ TableName: table, Item: { ...item, bytes: 43 }, ConditionExpression: 'attribute_not_exists(pk)' }));

  // Assess
  await assert.rejects(second, ConditionalCheckFailedException);
});

test('a query on the GSI returns matching items in sort-key order', async () => {
  // Prepare
  const table = await createTable();
  const doc = dynamoDbDocumentClient();
  const items = [
    { pk: 'job#1', sk: 'meta', status: 'SUCCEEDED', startedAt: '2025-01-03T00:00:00Z' },
    { pk: 'job#2', sk: 'meta', status: 'FAILED', startedAt: '2025-01-02T00:00:00Z' },
    { pk: 'job#3', sk: 'meta', status: 'SUCCEEDED', startedAt: '2025-01-01T00:00:00Z' },
    { pk: 'job#4', sk: 'meta', status: 'SUCCEEDED', startedAt: '2025-01-04T00:00:00Z' },
  ];
  await Promise.all(items.map((Item) => doc.send(new PutCommand({ TableName: table, Item }))));

  // Act
  const out = await doc.send(
    new QueryCommand({
      TableName: table,
      IndexName: 'byStatus',
      KeyConditionExpression: '#s = :s AND startedAt >= :from',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': 'SUCCEEDED', ':from': '2025-01-02T00:00:00Z' },
    }),
  );

  // Assess
  assert.deepEqual(
    out.Items?.map((i) => i.pk),
    ['job#1', 'job#4'],
  );
});
