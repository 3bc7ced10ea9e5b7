/**
 * Demo data: a DynamoDB table whose items use every attribute type, and an S3
 * prefix of mixed files (one over 64 MiB). Deterministic, so the demo's
 * comparisons are exact.
 */
import { BatchWriteItemCommand, CreateTableCommand, waitUntilTableExists, type AttributeValue, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { uploadMultipart } from '../../vault/storage/s3-multipart.js';
import { mapS3Error } from '../../vault/storage/s3-errors.js';
import { dynamoDbClient, s3Client } from '../../vault/aws/clients.js';
import { mapLimit } from '../../vault/util/concurrency.js';

/** A deterministic pseudo-random generator (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Item number `i` of the demo table; `version` changes it. Every 50th item
 * uses every DynamoDB attribute type (nested M and L, BS, NS…); the others
 * carry the flat types, which keeps the emulator's scans quick.
 */
export function demoItem(i: number, version = 1): Record<string, AttributeValue> {
  const r = prng(i * 7919 + 17);
  const id = `customer#${String(i).padStart(6, '0')}`;
  if (i % 50 !== 0) {
    return {
      pk: { S: id },
      sk: { S: 'profile' },
      version: { N: String(version) },
      balance: { N: `${Math.floor(r() * 1e9)}.${String(Math.floor(r() * 100)).padStart(2, '0')}` },
      active: { BOOL: r() > 0.3 },
      deleted_at: { NULL: true },
      tags: { SS: ['demo', `tier-${i % 5}`] },
      bio: { S: `Customer ${i}, city ${i % 97}, joined ${2015 + (i % 10)}` },
    };
  }
  return {
    pk: { S: id },
    sk: { S: i % 10 === 0 ? 'profile#ünïcødé✓' : 'profile' },
    version: { N: String(version) },
    balance: { N: `${Math.floor(r() * 1e12)}.${String(Math.floor(r() * 1e9)).padStart(9, '0')}` },
    active: { BOOL: r() > 0.3 },
    deleted_at: { NULL: true },
    avatar: { B: Buffer.from(Array.from({ length: 16 + (i % 48) }, () => Math.floor(r() * 256))) },
    tags: { SS: ['demo', `tier-${i % 5}`, `region-${i % 7}`] },
    scores: { NS: [String(i % 100), String((i * 3) % 1000), '3.14159265358979323846'] },
    keys: { BS: [Buffer.from([i & 0xff, 1]), Buffer.from([2, (i >> 8) & 0xff, 3])] },
    address: { M: { city: { S: `City ${i % 97}` }, zip: { S: String(10000 + (i % 89999)) }, geo: { L: [{ N: (r() * 180 - 90).toFixed(6) }, { N: (r() * 360 - 180).toFixed(6) }] } } },
    history: { L: [{ S: `signup ${2020 + (i % 5)}` }, { N: String(i) }, { BOOL: i % 2 === 0 }, { M: { note: { S: 'line\nbreak\ttab "quoted"' } } }] },
    bio: { S: `Customer ${i} ${'lorem ipsum dolor sit amet '.repeat(1 + (i % 6))}` },
  };
}

/** Creates the demo table (keys pk/sk, on demand) and fills it with `count` items. */
export async function seedTable(tableName: string, count: number, onProgress?: (done: number) => void): Promise<void> {
  const client = dynamoDbClient();
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
  await writeItems(tableName, Array.from({ length: count }, (_, i) => i), (i) => demoItem(i), onProgress);
}

/** Puts items (numbers mapped through `item`) with BatchWriteItem, retrying unprocessed items. */
export async function writeItems(tableName: string, numbers: readonly number[], item: (i: number) => Record<string, AttributeValue>, onProgress?: (done: number) => void): Promise<void> {
  const client = dynamoDbClient();
  const batches: number[][] = [];
  for (let at = 0; at < numbers.length; at += 25) batches.push(numbers.slice(at, at + 25) as number[]);
  let done = 0;
  await mapLimit(batches, 8, async (batch) => {
    let requests: WriteRequest[] = batch.map((i) => ({ PutRequest: { Item: item(i) } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 50 * 2 ** Math.min(attempt, 6)));
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
      requests = out.UnprocessedItems?.[tableName] ?? [];
    }
    done += batch.length;
    onProgress?.(done);
  });
}

/** Demo S3 files: name → deterministic content (one over 64 MiB). */
export function demoFiles(bigSize = 65 * 1024 * 1024 + 12345): Array<{ key: string; size: number; contentType: string; body: () => Uint8Array }> {
  const text = (n: number, seed: number) => () => Buffer.from(Array.from({ length: n }, (_, i) => `line ${seed}-${i} ${'x'.repeat(i % 40)}\n`).join(''));
  const binary = (size: number, seed: number) => () => {
    const r = prng(seed);
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i += 4) {
      const v = Math.floor(r() * 4294967296);
      out[i] = v & 0xff;
      if (i + 1 < size) out[i + 1] = (v >>> 8) & 0xff;
      if (i + 2 < size) out[i + 2] = (v >>> 16) & 0xff;
      if (i + 3 < size) out[i + 3] = v >>> 24;
    }
    return out;
  };
  return [
    { key: 'reports/2026/summary.csv', size: -1, contentType: 'text/csv', body: text(5000, 1) },
    { key: 'reports/2026/ünïcødé naïve ✓.txt', size: -1, contentType: 'text/plain; charset=utf-8', body: text(100, 2) },
    { key: 'images/logo.png', size: 300_000, contentType: 'image/png', body: binary(300_000, 3) },
    { key: 'empty/.keep', size: 0, contentType: 'application/octet-stream', body: () => new Uint8Array(0) },
    { key: 'archives/big-export.bin', size: bigSize, contentType: 'application/octet-stream', body: binary(bigSize, 4) },
    { key: 'logs/app.log', size: -1, contentType: 'text/plain', body: text(20000, 5) },
  ];
}

/** Creates the bucket (if needed) and uploads the demo files under `prefix`. */
export async function seedPrefix(bucket: string, prefix: string, bigSize?: number): Promise<number> {
  const client = s3Client();
  await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: { name?: string }) => {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  });
  let bytes = 0;
  for (const file of demoFiles(bigSize)) {
    const body = file.body();
    bytes += body.length;
    const key = `${prefix}${file.key}`;
    if (body.length > 16 * 1024 * 1024) {
      await uploadMultipart({ client, bucket, key, body, size: body.length, mapError: mapS3Error }, { partSize: 8 * 1024 * 1024, concurrency: 4 });
    } else {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: file.contentType, Metadata: { origin: 'haven-demo', 'file-name': encodeURIComponent(file.key) } }));
    }
  }
  return bytes;
}
