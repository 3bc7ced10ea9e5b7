import { test } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';
import { ObjectExistsError, ObjectNotFoundError, StorageUnavailableError } from '../../vault/storage/errors.js';
import { S3ObjectStore } from '../../vault/storage/s3-store.js';

const MiB = 1024 * 1024;

async function newBucket(): Promise<string> {
  const bucket = `haven-s3-store-${randomUUID()}`;
  await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function openUploads(bucket: string): Promise<number> {
  const out = await s3Client().send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return out.Uploads?.length ?? 0;
}

/**
 * Adds a middleware to `client` that sees every command before it is sent
 * (ahead of retries); returns a function that removes it. Used to count calls
 * and to inject faults the emulator cannot produce.
 */
function intercept(
  client: S3Client,
  hook: (commandName: string, input: Record<string, unknown>) => Promise<void> | void,
): () => void {
  const name = `test-intercept-${randomUUID()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      await hook(context.commandName ?? '', args.input as unknown as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize', name },
  );
  return () => client.middlewareStack.remove(name);
}

test('a 20 MiB body goes up as a real multipart upload and reads back whole and in ranges', async () => {
  const bucket = await newBucket();
  const store = new S3ObjectStore(bucket, 'vault');
  const body = randomBytes(20 * MiB + 1234);
  const progress: number[] = [];
  await store.put('packs/big', body, { onProgress: (n) => progress.push(n) });

  // 8 MiB parts: 8 + 8 + 4 MiB and a bit; one progress report per part.
  assert.equal(progress.length, 3);
  assert.equal(progress.at(-1), body.length);
  assert.ok(progress.every((n, i) => i === 0 || n > (progress[i - 1] ?? 0)));
  const head = await s3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: 'vault/packs/big' }));
  assert.match(head.ETag ?? '', /-3"$/, 'a multipart ETag ends in -<parts>');
  assert.equal(await openUploads(bucket), 0);

  const back = await store.get('packs/big');
  assert.equal(back.length, body.length);
  assert.ok(Buffer.from(back).equals(body));
  const across = await store.get('packs/big', { start: 8 * MiB - 10, end: 8 * MiB + 10 });
  assert.ok(Buffer.from(across).equals(body.subarray(8 * MiB - 10, 8 * MiB + 10)));
});

test('small objects: put, get, ranged get, head, delete; missing key → ObjectNotFoundError', async () => {
  const store = new S3ObjectStore(await newBucket());
  const body = new Uint8Array(Array.from({ length: 256 }, (_, i) => i));
  const progress: number[] = [];
  await store.put('config', body, { onProgress: (n) => progress.push(n) });
  assert.deepEqual(progress, [256]);
  assert.deepEqual(await store.get('config'), body);
  assert.deepEqual(await store.get('config', { start: 10, end: 20 }), body.slice(10, 20));
  assert.deepEqual(await store.get('config', { start: 250, end: 300 }), body.slice(250));
  assert.deepEqual(await store.get('config', { start: 300, end: 400 }), new Uint8Array(0));
  assert.deepEqual(await store.get('config', { start: 3, end: 3 }), new Uint8Array(0));

  const info = await store.head('config');
  assert.equal(info?.key, 'config');
  assert.equal(info?.size, 256);
  assert.ok(info?.lastModified instanceof Date);
  assert.equal(await store.head('missing'), undefined);

  await store.delete('config');
  assert.equal(await store.head('config'), undefined);
  await store.delete('config');
  await assert.rejects(store.get('config'), (error: unknown) => error instanceof ObjectNotFoundError && error.key === 'config');
  await assert.rejects(store.get('config', { start: 0, end: 1 }), ObjectNotFoundError);
  await assert.rejects(store.get('config', { start: 0, end: 0 }), ObjectNotFoundError);
});

test('list paginates lazily over more than 1000 keys, relative to the store prefix', async () => {
  const bucket = await newBucket();
  const store = new S3ObjectStore(bucket, 'tenants/a/');
  const neighbour = new S3ObjectStore(bucket, 'tenants/ab');
  // Just over one page; moto serializes requests (~7 ms a put), so more parallelism would not help.
  const keys = Array.from({ length: 1010 }, (_, i) => `data/${String(i).padStart(5, '0')}`);
  for (let i = 0; i < keys.length; i += 16) {
    await Promise.all(keys.slice(i, i + 16).map((key) => store.put(key, new TextEncoder().encode(key))));
  }
  await store.put('config', new Uint8Array(1));
  await neighbour.put('data/not-mine', new Uint8Array(1));

  const client = s3Client();
  let pages = 0;
  const remove = intercept(client, (name) => {
    if (name === 'ListObjectsV2Command') pages += 1;
  });
  try {
    const listed = await collect(store.list('data/'));
    assert.equal(pages, 2, 'two ListObjectsV2 pages');
    assert.deepEqual(
      listed.map((o) => o.key),
      keys,
    );
    assert.equal(listed[0]?.size, keys[0]?.length);

    pages = 0;
    for await (const first of store.list('')) {
      assert.equal(first.key, 'config');
      break;
    }
    assert.equal(pages, 1, 'stopping early fetches no further page');
  } finally {
    remove();
  }
  assert.deepEqual((await collect(store.list('data/0100'))).map((o) => o.key), ['data/01000', 'data/01001', 'data/01002', 'data/01003', 'data/01004', 'data/01005', 'data/01006', 'data/01007', 'data/01008', 'data/01009']);
  assert.deepEqual((await collect(neighbour.list(''))).map((o) => o.key), ['data/not-mine']);
  assert.equal(store.uri, `s3://${bucket}/tenants/a`);
  assert.equal(await store.head('data/not-mine'), undefined);
});

test('ifNotExists uses If-None-Match: * for single and multipart writes', async () => {
  const bucket = await newBucket();
  const store = new S3ObjectStore(bucket, 'v');
  await store.put('config', new Uint8Array([1]), { ifNotExists: true });
  await assert.rejects(store.put('config', new Uint8Array([2]), { ifNotExists: true }), ObjectExistsError);
  assert.deepEqual(await store.get('config'), new Uint8Array([1]));

  // Another writer creates the object while our multipart upload is in progress:
  // the conditional completion fails, and the upload is aborted.
  const client = s3Client();
  const remove = intercept(client, async (name, input) => {
    if (name === 'CompleteMultipartUploadCommand' && input.Key === 'v/packs/raced') {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'v/packs/raced', Body: 'the other writer' }));
    }
  });
  try {
    await assert.rejects(store.put('packs/raced', randomBytes(17 * MiB), { ifNotExists: true }), ObjectExistsError);
  } finally {
    remove();
  }
  assert.equal((await store.head('packs/raced'))?.size, 'the other writer'.length);
  assert.equal(await openUploads(bucket), 0);
});

test('a failed part aborts the multipart upload, leaving nothing behind', async () => {
  // Fault injection: moto cannot be made to fail one UploadPart, so a middleware on the
  // client (ahead of the SDK's retries) throws a 500 for the second part sent.
  const bucket = await newBucket();
  const client = s3Client({ maxAttempts: 1 });
  const store = new S3ObjectStore(bucket, '', { client });
  let parts = 0;
  const remove = intercept(client, (name) => {
    if (name === 'UploadPartCommand' && ++parts === 2) {
      throw new S3ServiceException({ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: 'injected part failure' });
    }
  });
  try {
    await assert.rejects(store.put('packs/doomed', randomBytes(40 * MiB)), (error: unknown) => {
      assert.ok(error instanceof StorageUnavailableError);
      assert.match(error.message, /UploadPart s3:\/\/.*\/packs\/doomed/);
      assert.ok(error.cause instanceof S3ServiceException);
      return true;
    });
  } finally {
    remove();
  }
  assert.ok(parts >= 2);
  assert.equal(await openUploads(bucket), 0, 'no multipart upload left open');
  assert.equal(await store.head('packs/doomed'), undefined);
});

test('a missing bucket is StorageUnavailableError on every operation', async () => {
  const bucket = `haven-missing-${randomUUID()}`;
  const store = new S3ObjectStore(bucket, 'p');
  const unavailable = (error: unknown) => {
    assert.ok(error instanceof StorageUnavailableError, String(error));
    assert.match(error.message, new RegExp(bucket));
    return true;
  };
  await assert.rejects(store.put('k', new Uint8Array(1)), unavailable);
  await assert.rejects(store.get('k'), unavailable);
  await assert.rejects(store.head('k'), unavailable);
  await assert.rejects(collect(store.list('')), unavailable);
  await assert.rejects(store.delete('k'), unavailable);
});

test('an unreachable endpoint is StorageUnavailableError', async () => {
  const client = s3Client({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
  const store = new S3ObjectStore('any-bucket', '', { client });
  await assert.rejects(store.get('k'), (error: unknown) => {
    assert.ok(error instanceof StorageUnavailableError, String(error));
    assert.match(error.message, /GetObject s3:\/\/any-bucket\/k/);
    return true;
  });
});
