import { beforeAll, describe, test, type TestContext } from 'vitest';
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
 * (ahead of retries) until the test ends: clients are memoized, so it is
 * removed then and never reaches another test. Used to count calls and to
 * inject faults the emulator cannot produce.
 */
function intercept(
  t: Pick<TestContext, 'onTestFinished'>,
  client: S3Client,
  hook: (commandName: string, input: Record<string, unknown>) => Promise<void> | void,
): void {
  const name = `test-intercept-${randomUUID()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      await hook(context.commandName ?? '', args.input as unknown as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize', name },
  );
  t.onTestFinished(() => {
    client.middlewareStack.remove(name);
  });
}

/** Counts the ListObjectsV2 requests of the shared client until the test ends. */
function countListPages(t: Pick<TestContext, 'onTestFinished'>): () => number {
  let pages = 0;
  intercept(t, s3Client(), (name) => {
    if (name === 'ListObjectsV2Command') pages += 1;
  });
  return () => pages;
}

/** A store in a new bucket holding `config`: 256 bytes, 0 to 255. */
async function smallObjectStore(): Promise<{ store: S3ObjectStore; body: Uint8Array }> {
  const store = new S3ObjectStore(await newBucket());
  const body = new Uint8Array(Array.from({ length: 256 }, (_, i) => i));
  await store.put('config', body);
  return { store, body };
}

describe('a 20 MiB body', () => {
  /** Put once, with the progress it reported; only read by the tests. */
  let fixture: { readonly bucket: string; readonly store: S3ObjectStore; readonly body: Buffer; readonly progress: readonly number[] };
  beforeAll(async () => {
    const bucket = await newBucket();
    const store = new S3ObjectStore(bucket, 'vault');
    const body = randomBytes(20 * MiB + 1234);
    const progress: number[] = [];
    await store.put('packs/big', body, { onProgress: (n) => progress.push(n) });
    fixture = Object.freeze({ bucket, store, body, progress: Object.freeze(progress) });
  });

  test('goes up as a real multipart upload, one progress report per part', async () => {
    // Prepare
    const { bucket, body, progress } = fixture;

    // Act
    const head = await s3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: 'vault/packs/big' }));

    // Assess
    // 8 MiB parts: 8 + 8 + 4 MiB and a bit; one progress report per part.
    assert.equal(progress.length, 3);
    assert.equal(progress.at(-1), body.length);
    assert.ok(progress.every((n, i) => i === 0 || n > (progress[i - 1] ?? 0)));
    assert.match(head.ETag ?? '', /-3"$/, 'a multipart ETag ends in -<parts>');
    assert.equal(await openUploads(bucket), 0);
  });

  test('reads back whole', async () => {
    // Prepare
    const { store, body } = fixture;

    // Act
    const back = await store.get('packs/big');

    // Assess
    assert.equal(back.length, body.length);
    assert.ok(Buffer.from(back).equals(body));
  });

  test('reads back a range across a part boundary', async () => {
    // Prepare
    const { store, body } = fixture;

    // Act
    const across = await store.get('packs/big', { start: 8 * MiB - 10, end: 8 * MiB + 10 });

    // Assess
    assert.ok(Buffer.from(across).equals(body.subarray(8 * MiB - 10, 8 * MiB + 10)));
  });
});

test('a small object goes up in one request (one progress report) and reads back', async () => {
  // Prepare
  const store = new S3ObjectStore(await newBucket());
  const body = new Uint8Array(Array.from({ length: 256 }, (_, i) => i));
  const progress: number[] = [];

  // Act
  await store.put('config', body, { onProgress: (n) => progress.push(n) });
  const back = await store.get('config');

  // Assess
  assert.deepEqual(progress, [256]);
  assert.deepEqual(back, body);
});

test('a ranged get of a small object returns the bytes in [start, end), and only those that exist', async () => {
  // Prepare
  const { store, body } = await smallObjectStore();

  // Act
  const inside = await store.get('config', { start: 10, end: 20 });
  const pastTheEnd = await store.get('config', { start: 250, end: 300 });
  const beyond = await store.get('config', { start: 300, end: 400 });
  const empty = await store.get('config', { start: 3, end: 3 });

  // Assess
  assert.deepEqual(inside, body.slice(10, 20));
  assert.deepEqual(pastTheEnd, body.slice(250));
  assert.deepEqual(beyond, new Uint8Array(0));
  assert.deepEqual(empty, new Uint8Array(0));
});

test('head reports key, size and mtime', async () => {
  // Prepare
  const { store } = await smallObjectStore();

  // Act
  const info = await store.head('config');

  // Assess
  assert.equal(info?.key, 'config');
  assert.equal(info?.size, 256);
  assert.ok(info?.lastModified instanceof Date);
});

test('head of a missing key is undefined', async () => {
  // Prepare
  const { store } = await smallObjectStore();

  // Act
  const info = await store.head('missing');

  // Assess
  assert.equal(info, undefined);
});

test('delete removes an object', async () => {
  // Prepare
  const { store } = await smallObjectStore();

  // Act
  await store.delete('config');

  // Assess
  assert.equal(await store.head('config'), undefined);
});

test('delete of a missing object succeeds', async () => {
  // Prepare
  const { store } = await smallObjectStore();
  await store.delete('config');

  // Act
  const deleted = await store.delete('config');

  // Assess
  assert.equal(deleted, undefined);
});

test('a get of a missing key is ObjectNotFoundError naming it, ranged or not', async () => {
  // Prepare
  const { store } = await smallObjectStore();
  await store.delete('config');
  const gets = [() => store.get('config'), () => store.get('config', { start: 0, end: 1 }), () => store.get('config', { start: 0, end: 0 })];
  for (const get of gets) {
    // Act
    const getting = get();

    // Assess
    await assert.rejects(getting, (error: unknown) => error instanceof ObjectNotFoundError && error.key === 'config');
  }
});

describe('a store over more than 1000 keys under a prefix', () => {
  /** 1010 keys under data/, a config and a neighbour's object: written once, only read by the tests. */
  let fixture: { readonly bucket: string; readonly store: S3ObjectStore; readonly neighbour: S3ObjectStore; readonly keys: readonly string[] };
  beforeAll(async () => {
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
    fixture = Object.freeze({ bucket, store, neighbour, keys: Object.freeze(keys) });
  });

  test('list paginates over them, with keys and sizes relative to the store prefix', async (t) => {
    // Prepare
    const { store, keys } = fixture;
    const pages = countListPages(t);

    // Act
    const listed = await collect(store.list('data/'));

    // Assess
    assert.equal(pages(), 2, 'two ListObjectsV2 pages');
    assert.deepEqual(
      listed.map((o) => o.key),
      keys,
    );
    assert.equal(listed[0]?.size, keys[0]?.length);
  });

  test('list is lazy: stopping after the first object fetches no further page', async (t) => {
    // Prepare
    const { store } = fixture;
    const pages = countListPages(t);

    // Act
    let first: string | undefined;
    for await (const object of store.list('')) {
      first = object.key;
      break;
    }

    // Assess
    assert.equal(first, 'config');
    assert.equal(pages(), 1, 'stopping early fetches no further page');
  });

  test('list keeps the keys that start with a prefix ending inside a name', async () => {
    // Prepare
    const { store } = fixture;

    // Act
    const listed = await collect(store.list('data/0100'));

    // Assess
    assert.deepEqual(listed.map((o) => o.key), ['data/01000', 'data/01001', 'data/01002', 'data/01003', 'data/01004', 'data/01005', 'data/01006', 'data/01007', 'data/01008', 'data/01009']);
  });

  test('stores whose prefixes share a beginning see only their own objects', async () => {
    // Prepare
    const { store, neighbour } = fixture;

    // Act
    const neighbours = await collect(neighbour.list(''));
    const notMine = await store.head('data/not-mine');

    // Assess
    assert.deepEqual(neighbours.map((o) => o.key), ['data/not-mine']);
    assert.equal(notMine, undefined);
  });

  test("the store's uri is the bucket and the prefix without its trailing slash", () => {
    // Prepare
    const { bucket, store } = fixture;

    // Act
    const uri = store.uri;

    // Assess
    assert.equal(uri, `s3://${bucket}/tenants/a`);
  });
});

test('ifNotExists refuses to replace an object (If-None-Match: * on a single put)', async () => {
  // Prepare
  const store = new S3ObjectStore(await newBucket(), 'v');
  await store.put('config', new Uint8Array([1]), { ifNotExists: true });

  // Act
  const replacing = store.put('config', new Uint8Array([2]), { ifNotExists: true });

  // Assess
  await assert.rejects(replacing, ObjectExistsError);
  assert.deepEqual(await store.get('config'), new Uint8Array([1]));
});

test('ifNotExists fails a multipart upload whose object another writer created meanwhile, and aborts it', async (t) => {
  // Prepare
  const bucket = await newBucket();
  const store = new S3ObjectStore(bucket, 'v');
  // Another writer creates the object while our multipart upload is in progress:
  // the conditional completion fails, and the upload is aborted.
  const client = s3Client();
  intercept(t, client, async (name, input) => {
    if (name === 'CompleteMultipartUploadCommand' && input.Key === 'v/packs/raced') {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'v/packs/raced', Body: 'the other writer' }));
    }
  });

  // Act
  const putting = store.put('packs/raced', randomBytes(17 * MiB), { ifNotExists: true });

  // Assess
  await assert.rejects(putting, ObjectExistsError);
  assert.equal((await store.head('packs/raced'))?.size, 'the other writer'.length);
  assert.equal(await openUploads(bucket), 0);
});

test('a failed part aborts the multipart upload, leaving nothing behind', async (t) => {
  // Prepare
  // Fault injection: moto cannot be made to fail one UploadPart, so a middleware on the
  // client (ahead of the SDK's retries) throws a 500 for the second part sent.
  const bucket = await newBucket();
  const client = s3Client({ maxAttempts: 1 });
  const store = new S3ObjectStore(bucket, '', { client });
  let parts = 0;
  intercept(t, client, (name) => {
    if (name === 'UploadPartCommand' && ++parts === 2) {
      throw new S3ServiceException({ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: 'injected part failure' });
    }
  });

  // Act
  const putting = store.put('packs/doomed', randomBytes(40 * MiB));

  // Assess
  await assert.rejects(putting, (error: unknown) => {
    assert.ok(error instanceof StorageUnavailableError);
    assert.match(error.message, /UploadPart s3:\/\/.*\/packs\/doomed/);
    assert.ok(error.cause instanceof S3ServiceException);
    return true;
  });
  assert.ok(parts >= 2);
  assert.equal(await openUploads(bucket), 0, 'no multipart upload left open');
  assert.equal(await store.head('packs/doomed'), undefined);
});

test('a missing bucket is StorageUnavailableError on every operation', async () => {
  // Prepare
  const bucket = `haven-missing-${randomUUID()}`;
  const store = new S3ObjectStore(bucket, 'p');
  const unavailable = (error: unknown) => {
    assert.ok(error instanceof StorageUnavailableError, String(error));
    assert.match(error.message, new RegExp(bucket));
    return true;
  };
  const operations = {
    put: () => store.put('k', new Uint8Array(1)),
    get: () => store.get('k'),
    head: () => store.head('k'),
    list: () => collect(store.list('')),
    delete: () => store.delete('k'),
  };
  for (const [name, operation] of Object.entries(operations)) {
    // Act
    const running = operation();

    // Assess
    await assert.rejects(running, unavailable, name);
  }
});

test('an unreachable endpoint is StorageUnavailableError', async () => {
  // Prepare
  const client = s3Client({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
  const store = new S3ObjectStore('any-bucket', '', { client });

  // Act
  const getting = store.get('k');

  // Assess
  await assert.rejects(getting, (error: unknown) => {
    assert.ok(error instanceof StorageUnavailableError, String(error));
    assert.match(error.message, /GetObject s3:\/\/any-bucket\/k/);
    return true;
  });
});
