/** Test data of the source tests. */
import { BatchWriteItemCommand, CreateTableCommand, ScanCommand, UpdateTimeToLiveCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { dynamoDbClient, s3Client } from '../../vault/aws/clients.js';
import { encodeItem, type Item } from '../../sources/dynamodb/item-codec.js';
import { uploadObject } from '../../sources/s3/object-writer.js';
import { deterministicBytes, uniqueName } from './support.js';

const bytes = (...values: number[]) => new Uint8Array(values);

/** One item with every DynamoDB type, nested maps and lists, and awkward names. */
export function everyTypeItem(pk = 'every-type'): Item {
  return {
    pk: { S: pk },
    s: { S: 'héllo wörld 😀 "quoted" \\ \n\t\u0000' },
    empty_string: { S: '' },
    n: { N: '12345678901234567890.123456789' },
    n_negative: { N: '-0.000000000000000000000000000000000001' },
    n_big: { N: '99999999999999999999999999999999999999' },
    b: { B: bytes(0, 1, 2, 253, 254, 255) },
    b_empty: { B: bytes() },
    ss: { SS: ['a', 'b', 'ç', '😀'] },
    ns: { NS: ['1', '12345678901234567890.123456789', '-3.5e10'] },
    bs: { BS: [bytes(1), bytes(2, 3), bytes(255, 0, 128)] },
    bool_true: { BOOL: true },
    bool_false: { BOOL: false },
    nothing: { NULL: true },
    list: { L: [{ S: 'x' }, { N: '1' }, { NULL: true }, { L: [] }, { M: {} }, { B: bytes(9) }] },
    map: {
      M: {
        inner: { M: { deeper: { L: [{ M: { leaf: { BOOL: false }, 'ключ 🔑': { SS: ['z'] } } }] } } },
        nums: { NS: ['0', '1e-130'] },
      },
    },
    'ключ 🔑': { S: 'unicode attribute name' },
    'with.dots and spaces': { N: '0' },
  };
}

/** Options of a test table: hash key `pk` (S), optional range key `sk` (S), and extras. */
export interface TestTableOptions {
  rangeKey?: boolean;
  indexes?: boolean;
  ttl?: boolean;
  stream?: boolean;
  provisioned?: boolean;
}

/** Creates a table (ACTIVE at once on the emulator) and returns its name. */
export async function createTestTable(options: TestTableOptions = {}): Promise<string> {
  const table = uniqueName('table');
  const client = dynamoDbClient();
  const throughput = { ReadCapacityUnits: 5, WriteCapacityUnits: 7 };
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        ...(options.rangeKey || options.indexes ? [{ AttributeName: 'sk', AttributeType: 'S' as const }] : []),
        ...(options.indexes
          ? [
              { AttributeName: 'status', AttributeType: 'S' as const },
              { AttributeName: 'created', AttributeType: 'N' as const },
            ]
          : []),
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, ...(options.rangeKey || options.indexes ? [{ AttributeName: 'sk', KeyType: 'RANGE' as const }] : [])],
      ...(options.provisioned ? { BillingMode: 'PROVISIONED', ProvisionedThroughput: throughput } : { BillingMode: 'PAY_PER_REQUEST' }),
      ...(options.indexes
        ? {
            GlobalSecondaryIndexes: [
              {
                IndexName: 'byStatus',
                KeySchema: [
                  { AttributeName: 'status', KeyType: 'HASH' },
                  { AttributeName: 'created', KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['title'] },
                ...(options.provisioned ? { ProvisionedThroughput: throughput } : {}),
              },
            ],
            LocalSecondaryIndexes: [
              {
                IndexName: 'byCreated',
                KeySchema: [
                  { AttributeName: 'pk', KeyType: 'HASH' },
                  { AttributeName: 'created', KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'KEYS_ONLY' },
              },
            ],
          }
        : {}),
      ...(options.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } } : {}),
    }),
  );
  if (options.ttl) {
    await client.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true } }));
  }
  return table;
}

/** Writes items (the emulator never answers UnprocessedItems). */
export async function putItems(table: string, items: readonly Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    await dynamoDbClient().send(new BatchWriteItemCommand({ RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
}

/** Every item of a table, each encoded as a DynamoDB JSON line, sorted: equal tables give equal arrays. */
export async function tableLines(table: string): Promise<string[]> {
  const lines: string[] = [];
  let start: Item | undefined;
  do {
    const page = await dynamoDbClient().send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    lines.push(...(page.Items ?? []).map(canonicalLine));
    start = page.LastEvaluatedKey;
  } while (start);
  return lines.sort();
}

/** An item's line with its sets sorted (DynamoDB keeps no order within a set). */
export function canonicalLine(item: Item): string {
  const sortSets = (value: AttributeValue): AttributeValue => {
    if (value.SS) return { SS: [...value.SS].sort() };
    if (value.NS) return { NS: [...value.NS].sort() };
    if (value.BS) return { BS: [...value.BS].sort(Buffer.compare) };
    if (value.M) return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, sortSets(v)])) };
    if (value.L) return { L: value.L.map(sortSets) };
    return value;
  };
  return encodeItem(Object.fromEntries(Object.entries(item).map(([k, v]) => [k, sortSets(v)])));
}

/** `count` small items `item-0000`… with a few types each. */
export function manyItems(count: number, rangeKey = false): Item[] {
  return Array.from({ length: count }, (_, i) => ({
    pk: { S: `item-${String(i).padStart(4, '0')}` },
    ...(rangeKey ? { sk: { S: `sort-${i % 3}` } } : {}),
    n: { N: String(i * 1.5) },
    tags: { SS: [`t${i % 5}`, 'all'] },
  }));
}

/** A new, empty bucket. */
export async function newBucket(): Promise<string> {
  const bucket = uniqueName('bucket').slice(0, 63);
  await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** An object to put in a test bucket. */
export interface TestObject {
  key: string;
  body: string | Uint8Array;
  contentType?: string;
  metadata?: Record<string, string>;
  cacheControl?: string;
}

/** Puts small objects, a few at a time. */
export async function putObjects(bucket: string, objects: readonly TestObject[]): Promise<void> {
  for (let i = 0; i < objects.length; i += 8) {
    await Promise.all(
      objects.slice(i, i + 8).map((o) =>
        s3Client().send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: o.key,
            Body: typeof o.body === 'string' ? Buffer.from(o.body) : o.body,
            ContentType: o.contentType,
            Metadata: o.metadata,
            CacheControl: o.cacheControl,
          }),
        ),
      ),
    );
  }
}

/** Streams `size` deterministic bytes into `bucket/key` as a multipart upload, never holding them whole. */
export async function putGenerated(bucket: string, key: string, size: number, seed: number): Promise<void> {
  const header = { key, size, etag: '', content_type: 'application/octet-stream', metadata: { seed: String(seed) }, last_modified: '' };
  const context = { client: s3Client(), bucket, partSize: 8 * 1024 * 1024, partConcurrency: 4 };
  await uploadObject(context, { key, header, ifAbsent: false }, deterministicBytes(size, seed));
}

/** Every key under `prefix` in `bucket`, in S3 order. */
export async function listKeys(bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3Client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/** An object's body and what HeadObject says about it. */
export async function readObject(bucket: string, key: string): Promise<{ body: Buffer; contentType?: string; metadata?: Record<string, string>; cacheControl?: string }> {
  const out = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = Buffer.from((await out.Body?.transformToByteArray()) ?? []);
  return { body, contentType: out.ContentType, metadata: out.Metadata, cacheControl: out.CacheControl };
}
