import { test } from 'vitest';
import assert from 'node:assert/strict';
import { DescribeTableCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../../vault/aws/clients.js';
import { encodeItemLines } from '../../sources/dynamodb/item-lines.js';
import { DynamoDbSource } from '../../sources/dynamodb/source.js';
import { DynamoDbRestoreTarget } from '../../sources/dynamodb/target.js';
import type { Item } from '../../sources/dynamodb/item-codec.js';
import { InvalidSourceConfigError, MalformedStreamError, RestoreConflictError, SourceNotFoundError, SourceUnavailableError } from '../../sources/errors.js';
import { ConflictPolicy } from '../../sources/source.js';
import { canonicalLine, createTestTable, everyTypeItem, manyItems, putItems, tableLines } from './fixtures.js';
import { chunked, concatStreams, intercept, uniqueName } from './support.js';

const fast = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

/** One stream of a whole table, exported in `segments` partitions. */
async function exportTable(table: string, segments: number): Promise<{ described: Record<string, unknown>; stream: AsyncIterable<Uint8Array> }> {
  const source = new DynamoDbSource({ table });
  const plans = await source.plan({ segments });
  return { described: await source.describe(), stream: concatStreams(plans.map((p) => source.export(p, { records: 0 }))) };
}

/** The description of a new table holding `items` (hash key `pk` only). */
async function describedTableOf(items: Item[]): Promise<{ table: string; described: Record<string, unknown> }> {
  const table = await createTestTable();
  if (items.length > 0) await putItems(table, items);
  const { described } = await exportTable(table, 1);
  return { table, described };
}

/** Two items already in a table, under keys manyItems(30) also holds. */
const EXISTING: readonly Item[] = [
  { pk: { S: 'item-0004' }, n: { N: '-4' }, mine: { BOOL: true } },
  { pk: { S: 'item-0017' }, n: { N: '-17' } },
];

/** A table holding EXISTING, and a target over it prepared for `policy`. */
async function tableWithExistingItems(policy: ConflictPolicy): Promise<{ table: string; target: DynamoDbRestoreTarget }> {
  const table = await createTestTable();
  await putItems(table, EXISTING);
  const target = new DynamoDbRestoreTarget({ table });
  await target.prepare({ conflict_policy: policy }, await new DynamoDbSource({ table }).describe());
  return { table, target };
}

test('restore into a new table created from the description: same schema, same items', async () => {
  // Prepare
  const table = await createTestTable({ indexes: true, ttl: true, stream: true });
  const items: Item[] = [
    ...manyItems(60, true).map((item, i) => ({ ...item, status: { S: i % 2 ? 'odd' : 'even' }, created: { N: String(i) } })),
    { ...everyTypeItem(), sk: { S: 'x' } },
  ];
  await putItems(table, items);
  const { described, stream } = await exportTable(table, 3);
  const copy = uniqueName('copy');
  const target = new DynamoDbRestoreTarget({ table: copy });

  // Act
  await target.prepare({ conflict_policy: ConflictPolicy.FailIfExists, create_missing_tables: true }, described);
  const result = await target.restore(stream, { conflict_policy: ConflictPolicy.FailIfExists });

  // Assess
  assert.deepEqual(result, { records: items.length, skipped: 0 });
  assert.deepEqual(await tableLines(copy), await tableLines(table));
  const again = await new DynamoDbSource({ table: copy }).describe();
  assert.deepEqual(again.schema, (described as { schema: unknown }).schema, 'keys, indexes, billing, stream and TTL recreated');
});

test('a missing table without create_missing_tables is a SourceNotFoundError', async () => {
  // Prepare
  const { described } = await describedTableOf([]);
  const missing = new DynamoDbRestoreTarget({ table: uniqueName('absent') });

  // Act
  const preparing = missing.prepare({ conflict_policy: ConflictPolicy.Overwrite }, described);

  // Assess
  await assert.rejects(preparing, SourceNotFoundError);
});

test('a table with different keys is refused', async () => {
  // Prepare
  const { described } = await describedTableOf([]);
  const other = new DynamoDbRestoreTarget({ table: await createTestTable({ rangeKey: true }) });

  // Act
  const preparing = other.prepare({ conflict_policy: ConflictPolicy.Overwrite }, described);

  // Assess
  await assert.rejects(preparing, (e: unknown) => e instanceof InvalidSourceConfigError && /keys/.test(e.message));
});

test('the description of another kind of source is refused', async () => {
  // Prepare
  const { table } = await describedTableOf([]);

  // Act
  const preparing = new DynamoDbRestoreTarget({ table }).prepare({ conflict_policy: ConflictPolicy.Overwrite }, { kind: 's3' });

  // Assess
  await assert.rejects(preparing, InvalidSourceConfigError);
});

test('fail_if_exists accepts an empty table', async () => {
  // Prepare
  const { described } = await describedTableOf(manyItems(10));
  const empty = await createTestTable();

  // Act
  const preparing = new DynamoDbRestoreTarget({ table: empty }).prepare({ conflict_policy: ConflictPolicy.FailIfExists }, described);

  // Assess
  await assert.doesNotReject(preparing);
});

test('fail_if_exists refuses a non-empty table in prepare and writes nothing', async () => {
  // Prepare
  const { described } = await describedTableOf(manyItems(10));
  const busy = await createTestTable();
  const existing = { pk: { S: 'item-0003' }, n: { N: '-1' } };
  await putItems(busy, [existing]);
  const before = await tableLines(busy);
  const target = new DynamoDbRestoreTarget({ table: busy });

  // Act
  const preparing = target.prepare({ conflict_policy: ConflictPolicy.FailIfExists, create_missing_tables: true }, described);

  // Assess
  await assert.rejects(preparing, (e: unknown) => e instanceof RestoreConflictError && e.code === 'RestoreConflict');
  assert.deepEqual(await tableLines(busy), before, 'nothing written');
});

test('skip_existing leaves existing items untouched and writes the rest', async () => {
  // Prepare
  const { table, target } = await tableWithExistingItems(ConflictPolicy.SkipExisting);
  const items = manyItems(30);

  // Act
  const result = await target.restore(chunked(encodeItemLines(items), 1000), { conflict_policy: ConflictPolicy.SkipExisting, concurrency: 4 });

  // Assess
  assert.deepEqual(result, { records: 28, skipped: 2 });
  const lines = await tableLines(table);
  assert.equal(lines.length, 30);
  for (const item of EXISTING) assert.ok(lines.includes(canonicalLine(item)), 'existing item kept as it was');
});

test('overwrite replaces existing items', async () => {
  // Prepare
  const { table, target } = await tableWithExistingItems(ConflictPolicy.Overwrite);
  const items = manyItems(30);

  // Act
  const result = await target.restore(chunked(encodeItemLines(items), 4096), { conflict_policy: ConflictPolicy.Overwrite });

  // Assess
  assert.deepEqual(result, { records: 30, skipped: 0 });
  assert.deepEqual(await tableLines(table), [...items].map(canonicalLine).sort());
});

test('UnprocessedItems are retried with backoff until written (injected: moto never returns them)', async (t) => {
  // Prepare
  const table = await createTestTable();
  const client = dynamoDbClient({ maxAttempts: 3 });
  let calls = 0;
  let withheld = 0;
  // Every other BatchWriteItem call sends only part of its items and hands the rest back unprocessed, as throttled DynamoDB does.
  const remove = intercept(client, async (command, input, send) => {
    if (command !== 'BatchWriteItemCommand') return send(input);
    calls += 1;
    const requests = (input.RequestItems as Record<string, WriteRequest[]>)[table] ?? [];
    if (calls % 2 === 0 || requests.length < 2) return send(input);
    const keep = requests.slice(0, Math.ceil(requests.length / 3));
    const back = requests.slice(keep.length);
    withheld += back.length;
    const output = await send({ ...input, RequestItems: { [table]: keep } });
    return { ...output, UnprocessedItems: { [table]: back } };
  });
  t.onTestFinished(remove); // the client is memoized: the fault never reaches another test
  const items = manyItems(100);
  const target = new DynamoDbRestoreTarget({ table }, { client, retry: fast });

  // Act
  const result = await target.restore(chunked(encodeItemLines(items), 777), { conflict_policy: ConflictPolicy.Overwrite, concurrency: 1 });

  // Assess
  assert.deepEqual(result, { records: 100, skipped: 0 });
  assert.ok(withheld > 0 && calls > 4, `${withheld} items withheld over ${calls} calls`);
  assert.deepEqual(await tableLines(table), items.map(canonicalLine).sort());
});

test('items still unprocessed after the last attempt are a SourceUnavailableError', async (t) => {
  // Prepare
  const table = await createTestTable();
  const client = dynamoDbClient({ maxAttempts: 3 });
  let calls = 0;
  const remove = intercept(client, async (command, input, send) => {
    if (command !== 'BatchWriteItemCommand') return send(input);
    calls += 1;
    return { UnprocessedItems: input.RequestItems, $metadata: {} };
  });
  t.onTestFinished(remove); // the client is memoized: the fault never reaches another test
  const target = new DynamoDbRestoreTarget({ table }, { client, retry: fast });

  // Act
  const restoring = target.restore(chunked(encodeItemLines(manyItems(3))), { conflict_policy: ConflictPolicy.Overwrite });

  // Assess
  await assert.rejects(
    restoring,
    (e: unknown) => e instanceof SourceUnavailableError && e.code === 'StorageUnavailable' && /3 of 3 items still unprocessed after 4 attempts/.test(e.message),
  );
  assert.equal(calls, fast.maxAttempts);
});

test('a damaged stream is a MalformedStreamError, and writes nothing', async () => {
  // Prepare
  const table = await createTestTable();
  const target = new DynamoDbRestoreTarget({ table });
  const cut = encodeItemLines(manyItems(3)).subarray(0, 50);

  // Act
  const restoring = target.restore(chunked(cut, 7), { conflict_policy: ConflictPolicy.Overwrite });

  // Assess
  await assert.rejects(restoring, MalformedStreamError);
  const described = await dynamoDbClient().send(new DescribeTableCommand({ TableName: table }));
  assert.equal(described.Table?.ItemCount ?? 0, 0);
});

test('a table missing at write time is a SourceNotFoundError, whatever the conflict policy', async () => {
  // Prepare
  const gone = new DynamoDbRestoreTarget({ table: uniqueName('gone') });
  for (const policy of [ConflictPolicy.Overwrite, ConflictPolicy.SkipExisting]) {
    // Act
    const restoring = gone.restore(chunked(encodeItemLines(manyItems(2)), 64), { conflict_policy: policy });

    // Assess
    await assert.rejects(restoring, SourceNotFoundError, policy);
  }
});
