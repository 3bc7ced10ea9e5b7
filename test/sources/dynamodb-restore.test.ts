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

test('restore into a new table created from the description: same schema, same items', async () => {
  const table = await createTestTable({ indexes: true, ttl: true, stream: true });
  const items: Item[] = [
    ...manyItems(60, true).map((item, i) => ({ ...item, status: { S: i % 2 ? 'odd' : 'even' }, created: { N: String(i) } })),
    { ...everyTypeItem(), sk: { S: 'x' } },
  ];
  await putItems(table, items);
  const { described, stream } = await exportTable(table, 3);

  const copy = uniqueName('copy');
  const target = new DynamoDbRestoreTarget({ table: copy });
  await target.prepare({ conflict_policy: ConflictPolicy.FailIfExists, create_missing_tables: true }, described);
  const result = await target.restore(stream, { conflict_policy: ConflictPolicy.FailIfExists });
  assert.deepEqual(result, { records: items.length, skipped: 0 });
  assert.deepEqual(await tableLines(copy), await tableLines(table));

  const again = await new DynamoDbSource({ table: copy }).describe();
  assert.deepEqual(again.schema, (described as { schema: unknown }).schema, 'keys, indexes, billing, stream and TTL recreated');
});

test('a missing table without create_missing_tables is a SourceNotFoundError; different keys are refused', async () => {
  const table = await createTestTable();
  const { described } = await exportTable(table, 1);
  const missing = new DynamoDbRestoreTarget({ table: uniqueName('absent') });
  await assert.rejects(missing.prepare({ conflict_policy: ConflictPolicy.Overwrite }, described), SourceNotFoundError);
  const other = new DynamoDbRestoreTarget({ table: await createTestTable({ rangeKey: true }) });
  await assert.rejects(other.prepare({ conflict_policy: ConflictPolicy.Overwrite }, described), (e: unknown) => e instanceof InvalidSourceConfigError && /keys/.test(e.message));
  await assert.rejects(new DynamoDbRestoreTarget({ table }).prepare({ conflict_policy: ConflictPolicy.Overwrite }, { kind: 's3' }), InvalidSourceConfigError);
});

test('fail_if_exists refuses a non-empty table in prepare and writes nothing; an empty one is fine', async () => {
  const source = await createTestTable();
  await putItems(source, manyItems(10));
  const { described } = await exportTable(source, 1);

  const empty = await createTestTable();
  await new DynamoDbRestoreTarget({ table: empty }).prepare({ conflict_policy: ConflictPolicy.FailIfExists }, described);

  const busy = await createTestTable();
  const existing = { pk: { S: 'item-0003' }, n: { N: '-1' } };
  await putItems(busy, [existing]);
  const before = await tableLines(busy);
  const target = new DynamoDbRestoreTarget({ table: busy });
  await assert.rejects(
    target.prepare({ conflict_policy: ConflictPolicy.FailIfExists, create_missing_tables: true }, described),
    (e: unknown) => e instanceof RestoreConflictError && e.code === 'RestoreConflict',
  );
  assert.deepEqual(await tableLines(busy), before, 'nothing written');
});

test('skip_existing leaves existing items untouched and writes the rest; overwrite replaces them', async () => {
  const table = await createTestTable();
  const items = manyItems(30);
  const existing: Item[] = [
    { pk: { S: 'item-0004' }, n: { N: '-4' }, mine: { BOOL: true } },
    { pk: { S: 'item-0017' }, n: { N: '-17' } },
  ];
  await putItems(table, existing);
  const target = new DynamoDbRestoreTarget({ table });
  await target.prepare({ conflict_policy: ConflictPolicy.SkipExisting }, await new DynamoDbSource({ table }).describe());
  const result = await target.restore(chunked(encodeItemLines(items), 1000), { conflict_policy: ConflictPolicy.SkipExisting, concurrency: 4 });
  assert.deepEqual(result, { records: 28, skipped: 2 });
  const expected = await tableLines(table);
  assert.equal(expected.length, 30);
  for (const item of existing) assert.ok(expected.includes(canonicalLine(item)), 'existing item kept as it was');

  const overwrite = await target.restore(chunked(encodeItemLines(items), 4096), { conflict_policy: ConflictPolicy.Overwrite });
  assert.deepEqual(overwrite, { records: 30, skipped: 0 });
  assert.deepEqual(await tableLines(table), [...items].map(canonicalLine).sort());
});

test('UnprocessedItems are retried with backoff until written (injected: moto never returns them)', async () => {
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
  try {
    const items = manyItems(100);
    const target = new DynamoDbRestoreTarget({ table }, { client, retry: fast });
    const result = await target.restore(chunked(encodeItemLines(items), 777), { conflict_policy: ConflictPolicy.Overwrite, concurrency: 1 });
    assert.deepEqual(result, { records: 100, skipped: 0 });
    assert.ok(withheld > 0 && calls > 4, `${withheld} items withheld over ${calls} calls`);
    assert.deepEqual(await tableLines(table), items.map(canonicalLine).sort());
  } finally {
    remove();
  }
});

test('items still unprocessed after the last attempt are a SourceUnavailableError', async () => {
  const table = await createTestTable();
  const client = dynamoDbClient({ maxAttempts: 3 });
  let calls = 0;
  const remove = intercept(client, async (command, input, send) => {
    if (command !== 'BatchWriteItemCommand') return send(input);
    calls += 1;
    return { UnprocessedItems: input.RequestItems, $metadata: {} };
  });
  try {
    const target = new DynamoDbRestoreTarget({ table }, { client, retry: fast });
    await assert.rejects(
      target.restore(chunked(encodeItemLines(manyItems(3))), { conflict_policy: ConflictPolicy.Overwrite }),
      (e: unknown) => e instanceof SourceUnavailableError && e.code === 'StorageUnavailable' && /3 of 3 items still unprocessed after 4 attempts/.test(e.message),
    );
    assert.equal(calls, fast.maxAttempts);
  } finally {
    remove();
  }
});

test('a damaged stream is a MalformedStreamError; a missing table at write time a SourceNotFoundError', async () => {
  const table = await createTestTable();
  const target = new DynamoDbRestoreTarget({ table });
  const cut = encodeItemLines(manyItems(3)).subarray(0, 50);
  await assert.rejects(target.restore(chunked(cut, 7), { conflict_policy: ConflictPolicy.Overwrite }), MalformedStreamError);
  const gone = new DynamoDbRestoreTarget({ table: uniqueName('gone') });
  await assert.rejects(gone.restore(chunked(encodeItemLines(manyItems(2)), 64), { conflict_policy: ConflictPolicy.Overwrite }), SourceNotFoundError);
  await assert.rejects(gone.restore(chunked(encodeItemLines(manyItems(2)), 64), { conflict_policy: ConflictPolicy.SkipExisting }), SourceNotFoundError);
  const described = await dynamoDbClient().send(new DescribeTableCommand({ TableName: table }));
  assert.equal(described.Table?.ItemCount ?? 0, 0);
});
