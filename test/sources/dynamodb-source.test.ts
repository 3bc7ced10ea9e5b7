import { beforeAll, describe, test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../../vault/aws/clients.js';
import { decodeItem, type Item } from '../../sources/dynamodb/item-codec.js';
import { readItems } from '../../sources/dynamodb/item-lines.js';
import { DEFAULT_BYTES_PER_SEGMENT, segmentCount } from '../../sources/dynamodb/plan.js';
import { DynamoDbSource } from '../../sources/dynamodb/source.js';
import { InvalidSourceConfigError, SourceNotFoundError } from '../../sources/errors.js';
import type { PartitionPlan, RecordCounter } from '../../sources/source.js';
import { canonicalLine, createTestTable, everyTypeItem, manyItems, putItems } from './fixtures.js';
import { collect, concatBytes, intercept, uniqueName } from './support.js';

/** Every item of every partition, the items per partition, and the records the source counted. */
async function exportAll(source: DynamoDbSource, plans: PartitionPlan[]): Promise<{ items: Item[]; perPartition: number[]; records: number }> {
  const counter: RecordCounter = { records: 0 };
  const items: Item[] = [];
  const perPartition: number[] = [];
  for (const plan of plans) {
    const partition = await collect(readItems(source.export(plan, counter)));
    items.push(...partition);
    perPartition.push(partition.length);
  }
  return { items, perPartition, records: counter.records };
}

/**
 * A source over a new table whose DescribeTable answers report `bytes` as its
 * size (the emulator always reports 0), until the test ends: the client is
 * memoized, so the interceptor is removed then.
 */
async function sourceOfReportedSize(t: Pick<TestContext, 'onTestFinished'>, bytes: number): Promise<DynamoDbSource> {
  const table = await createTestTable();
  const client = dynamoDbClient({ maxAttempts: 2 });
  const remove = intercept(client, async (command, input, send) => {
    const output = await send(input);
    const described = output.Table as { TableSizeBytes?: number } | undefined;
    if (command === 'DescribeTableCommand' && described) described.TableSizeBytes = bytes;
    return output;
  });
  t.onTestFinished(remove);
  return new DynamoDbSource({ table }, { client });
}

test('segment count: one per 128 MiB, at least 1, at most maxPartitions; explicit segments win', () => {
  // Prepare
  const cases: Array<[number, Parameters<typeof segmentCount>[1], number]> = [
    [0, undefined, 1],
    [1, undefined, 1],
    [DEFAULT_BYTES_PER_SEGMENT, undefined, 1],
    [3 * DEFAULT_BYTES_PER_SEGMENT + 1, undefined, 4],
    [10_000 * DEFAULT_BYTES_PER_SEGMENT, undefined, 1000],
    [10_000 * DEFAULT_BYTES_PER_SEGMENT, { maxPartitions: 16 }, 16],
    [0, { segments: 8 }, 8],
    [0, { segments: 8, maxPartitions: 3 }, 3],
    [1000, { bytesPerSegment: 100 }, 10],
  ];
  for (const [bytes, options, expected] of cases) {
    // Act
    const count = segmentCount(bytes, options);

    // Assess
    assert.equal(count, expected, `${bytes} bytes, ${JSON.stringify(options)}`);
  }
});

test('segment count refuses a zero segment count, a negative maxPartitions or a fractional bytesPerSegment', () => {
  for (const bad of [{ segments: 0 }, { maxPartitions: -1 }, { bytesPerSegment: 1.5 }]) {
    // Act
    const count = () => segmentCount(1, bad);

    // Assess
    assert.throws(count, InvalidSourceConfigError, JSON.stringify(bad));
  }
});

describe('a table of 240 items', () => {
  /** Written once, only read by the tests. */
  let fixture: { readonly table: string; readonly items: readonly Item[] };
  beforeAll(async () => {
    const table = await createTestTable({ rangeKey: true });
    const items = manyItems(240, true);
    await putItems(table, items);
    fixture = Object.freeze({ table, items: Object.freeze(items) });
  });

  test('plan names the segments asked for, each with a tiny spec', async () => {
    // Prepare
    const source = new DynamoDbSource({ table: fixture.table, page_size: 7 });

    // Act
    const plans = await source.plan({ segments: 5 });

    // Assess
    assert.deepEqual(
      plans.map((p) => p.name),
      ['segment-0000', 'segment-0001', 'segment-0002', 'segment-0003', 'segment-0004'],
    );
    assert.deepEqual(plans[3]?.spec, { segment: 3, total: 5 });
    assert.ok(JSON.stringify(plans[3]).length < 80, 'a spec stays tiny');
  });

  test('export via several segments covers every item exactly once, across pages, spread over the segments', async () => {
    // Prepare
    const { table, items } = fixture;
    const source = new DynamoDbSource({ table, page_size: 7 });
    const plans = await source.plan({ segments: 5 });

    // Act
    const { items: exported, perPartition, records } = await exportAll(source, plans);

    // Assess
    assert.equal(records, items.length);
    const keys = exported.map((item) => `${item.pk?.S}/${item.sk?.S}`);
    assert.equal(new Set(keys).size, items.length, 'no item twice');
    assert.deepEqual(exported.map(canonicalLine).sort(), items.map(canonicalLine).sort());
    assert.ok(perPartition.filter((n) => n > 0).length > 1, `items spread over segments: ${perPartition.join(', ')}`);
  });
});

test('an empty table plans one segment', async () => {
  // Prepare
  const source = new DynamoDbSource({ table: await createTestTable() }, { client: dynamoDbClient({ maxAttempts: 2 }) });

  // Act
  const plans = await source.plan();

  // Assess
  assert.deepEqual(plans, [{ name: 'segment-0000', spec: { segment: 0, total: 1 } }], 'an empty table is one segment');
});

test('plan sizes segments from TableSizeBytes (faked: the emulator always reports 0)', async (t) => {
  // Prepare
  const source = await sourceOfReportedSize(t, 3.5 * DEFAULT_BYTES_PER_SEGMENT);

  // Act
  const plans = await source.plan();

  // Assess
  assert.deepEqual(
    plans.map((p) => p.spec),
    [0, 1, 2, 3].map((segment) => ({ segment, total: 4 })),
  );
});

test('plan sized from TableSizeBytes makes at most maxPartitions segments', async (t) => {
  // Prepare
  const source = await sourceOfReportedSize(t, 3.5 * DEFAULT_BYTES_PER_SEGMENT);

  // Act
  const plans = await source.plan({ maxPartitions: 2 });

  // Assess
  assert.equal(plans.length, 2);
});

test('export keeps every type exactly as DynamoDB holds it (big-precision numbers, binary, sets, nesting, ~400 KB)', async () => {
  // Prepare
  const table = await createTestTable();
  const big: Item = { pk: { S: 'big' }, text: { S: 'y'.repeat(300_000) }, blob: { B: new Uint8Array(90_000).map((_, i) => i & 0xff) } };
  const client = dynamoDbClient();
  for (const Item of [everyTypeItem(), big]) await client.send(new PutItemCommand({ TableName: table, Item }));
  const stored = await Promise.all(
    ['every-type', 'big'].map(async (pk) => (await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }))).Item as Item),
  );
  assert.equal(stored[0]?.n?.N, '12345678901234567890.123456789', 'the emulator keeps the digits');
  const source = new DynamoDbSource({ table, consistent_read: true });
  const plan = (await source.plan())[0] as PartitionPlan;

  // Act
  const bytes = await concatBytes(source.export(plan, { records: 0 }));

  // Assess
  const lines = bytes.toString('utf8').split('\n');
  assert.equal(lines.pop(), '', 'every line ends in a newline');
  assert.equal(lines.length, 2);
  assert.ok(lines.every((line) => line.startsWith('{"')));
  assert.ok(bytes.toString().includes('"N":"12345678901234567890.123456789"'), 'numbers stay strings');
  const exported = lines.map(decodeItem).sort((a, b) => String(a.pk?.S).localeCompare(String(b.pk?.S)));
  assert.deepStrictEqual(exported.map(canonicalLine), [stored[1], stored[0]].map((item) => canonicalLine(item as Item)));
});

test('describe captures keys, GSIs, LSIs, TTL, stream, billing and counts', async () => {
  // Prepare
  const table = await createTestTable({ indexes: true, ttl: true, stream: true, provisioned: true });
  await putItems(table, [{ pk: { S: 'a' }, sk: { S: '1' }, status: { S: 'new' }, created: { N: '1' }, title: { S: 't' } }]);

  // Act
  const described = await new DynamoDbSource({ table }).describe();

  // Assess
  assert.equal(described.kind, 'dynamodb');
  assert.equal(described.table, table);
  assert.equal(described.item_count, 1);
  assert.equal(typeof described.size_bytes, 'number', 'the emulator always reports 0 bytes');
  const { schema } = described;
  assert.deepEqual(schema.KeySchema, [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ]);
  assert.deepEqual(new Set(schema.AttributeDefinitions.map((d) => `${d.AttributeName}:${d.AttributeType}`)), new Set(['pk:S', 'sk:S', 'status:S', 'created:N']));
  assert.equal(schema.BillingMode, 'PROVISIONED');
  assert.deepEqual(schema.ProvisionedThroughput, { ReadCapacityUnits: 5, WriteCapacityUnits: 7 });
  assert.deepEqual(schema.GlobalSecondaryIndexes, [
    {
      IndexName: 'byStatus',
      KeySchema: [
        { AttributeName: 'status', KeyType: 'HASH' },
        { AttributeName: 'created', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['title'] },
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 7 },
    },
  ]);
  assert.deepEqual(schema.LocalSecondaryIndexes, [
    {
      IndexName: 'byCreated',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'created', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ]);
  assert.deepEqual(schema.TimeToLive, { AttributeName: 'expires_at' });
  assert.deepEqual(schema.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  assert.doesNotThrow(() => JSON.stringify(described));
});

test('describe of a plain on-demand table reports no throughput, TTL, stream or index', async () => {
  // Prepare
  const table = await createTestTable();

  // Act
  const plain = await new DynamoDbSource({ table }).describe();

  // Assess
  assert.equal(plain.schema.BillingMode, 'PAY_PER_REQUEST');
  assert.equal(plain.schema.ProvisionedThroughput, undefined);
  assert.equal(plain.schema.TimeToLive, undefined);
  assert.equal(plain.schema.StreamSpecification, undefined);
  assert.equal(plain.schema.GlobalSecondaryIndexes, undefined);
});

test('an unknown table is a SourceNotFoundError on describe, plan and export', async () => {
  // Prepare
  const source = new DynamoDbSource({ table: uniqueName('missing') });
  const operations: Array<[string, () => Promise<unknown>, (e: unknown) => boolean]> = [
    ['describe', () => source.describe(), (e) => e instanceof SourceNotFoundError && e.code === 'SourceNotFound'],
    ['plan', () => source.plan(), (e) => e instanceof SourceNotFoundError],
    ['export', () => collect(source.export({ name: 'segment-0000', spec: { segment: 0, total: 1 } }, { records: 0 })), (e) => e instanceof SourceNotFoundError],
  ];
  for (const [name, operation, expected] of operations) {
    // Act
    const running = operation();

    // Assess
    await assert.rejects(running, expected, name);
  }
});

test('a bad partition spec is an InvalidSourceConfigError', async () => {
  // Prepare
  const real = new DynamoDbSource({ table: await createTestTable() });
  for (const spec of [{}, { segment: 2, total: 2 }, { segment: -1, total: 2 }, { segment: '0', total: 1 }]) {
    // Act
    const exporting = collect(real.export({ name: 'segment-x', spec }, { records: 0 }));

    // Assess
    await assert.rejects(exporting, InvalidSourceConfigError, JSON.stringify(spec));
  }
});

test('an empty table name is an InvalidSourceConfigError', () => {
  // Act
  const create = () => new DynamoDbSource({ table: '' });

  // Assess
  assert.throws(create, InvalidSourceConfigError);
});
