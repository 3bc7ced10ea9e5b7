/**
 * The one S3 object writer (vault/storage/s3-multipart.ts) against the moto
 * emulator. Failures are injected through the writer's own seams, never an
 * SDK mock: the body stream (a stream that breaks, a stream that lets
 * another writer in between two parts) and the caller's error mapper.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';
import { ObjectExistsError, StorageError } from '../../vault/storage/errors.js';
import { mapS3Error } from '../../vault/storage/s3-errors.js';
import { partSizeFor, S3_MULTIPART_LIMITS, uploadMultipart, writeS3Object, type S3ObjectWrite } from '../../vault/storage/s3-multipart.js';
import { uniqueName } from '../helpers/names.js';

const MiB = 1024 * 1024;
const settings = { partSize: 5 * MiB, concurrency: 2 };

async function newBucket(): Promise<string> {
  const bucket = uniqueName('haven-multipart');
  await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Yields `bytes` in 1 MiB pieces, calling `between(offset)` before each piece. */
async function* streamOf(bytes: Uint8Array, between: (offset: number) => Promise<void> | void = () => undefined): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += MiB) {
    await between(offset);
    yield bytes.subarray(offset, offset + MiB);
  }
}

function writeOf(bucket: string, key: string, body: S3ObjectWrite['body'], size: number): S3ObjectWrite {
  return { client: s3Client(), bucket, key, body, size, mapError: mapS3Error };
}

async function openUploads(bucket: string): Promise<number> {
  return (await s3Client().send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads?.length ?? 0;
}

async function readBack(bucket: string, key: string): Promise<Buffer> {
  const out = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

test('a streamed body goes up in 5 MiB parts and reads back whole, with its attributes', async () => {
  // Prepare
  const bucket = await newBucket();
  const body = randomBytes(11 * MiB + 7);
  const write = { ...writeOf(bucket, 'big.bin', streamOf(body), body.length), attributes: { ContentType: 'application/x-test', Metadata: { seed: '1' } } };

  // Act
  await uploadMultipart(write, settings);

  // Assess
  const head = await s3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: 'big.bin' }));
  assert.match(head.ETag ?? '', /-3"$/, 'three parts: 5 + 5 + 1 MiB and 7 bytes');
  assert.equal(head.ContentType, 'application/x-test');
  assert.deepEqual(head.Metadata, { seed: '1' });
  assert.ok((await readBack(bucket, 'big.bin')).equals(body));
});

test('an in-memory body at the threshold goes up as a multipart upload, reporting progress per part', async () => {
  // Prepare
  const bucket = await newBucket();
  const body = randomBytes(10 * MiB + 1);
  const progress: number[] = [];
  const write = { ...writeOf(bucket, 'mem.bin', body, body.length), onProgress: (n: number) => progress.push(n) };

  // Act
  await writeS3Object(write, { ...settings, concurrency: 1, multipartThreshold: body.length });

  // Assess
  assert.deepEqual(progress, [5 * MiB, 10 * MiB, body.length]);
  assert.ok((await readBack(bucket, 'mem.bin')).equals(body));
});

test('a body below the threshold goes up in one PutObject', async () => {
  // Prepare
  const bucket = await newBucket();
  const body = randomBytes(1000);

  // Act
  await writeS3Object(writeOf(bucket, 'small.bin', streamOf(body), body.length), { ...settings, multipartThreshold: 1001 });

  // Assess
  const head = await s3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: 'small.bin' }));
  assert.doesNotMatch(head.ETag ?? '', /-\d+"$/, 'not a multipart ETag');
  assert.ok((await readBack(bucket, 'small.bin')).equals(body));
});

test('a body that fails after a part went up aborts the upload and surfaces its own error', async () => {
  // Prepare
  const bucket = await newBucket();
  const body = randomBytes(12 * MiB);
  const broken = new Error('the source broke');
  const failing = streamOf(body, (offset) => {
    if (offset === 7 * MiB) throw broken;
  });

  // Act
  const upload = uploadMultipart(writeOf(bucket, 'broken.bin', failing, body.length), settings);

  // Assess
  await assert.rejects(upload, (error: unknown) => error === broken);
  assert.equal(await openUploads(bucket), 0, 'no incomplete multipart upload left');
  await assert.rejects(s3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: 'broken.bin' })), { name: 'NotFound' });
});

test("a conditional upload that loses to another writer is mapped by the caller's mapper and aborted", async () => {
  // Prepare
  const bucket = await newBucket();
  const body = randomBytes(6 * MiB);
  // The other writer creates the object while our parts go up (after the first one was cut).
  const racing = streamOf(body, async (offset) => {
    if (offset === 5 * MiB) await s3Client().send(new PutObjectCommand({ Bucket: bucket, Key: 'raced.bin', Body: 'the other writer' }));
  });
  const mapped: string[] = [];
  class CallerError extends Error {}
  const mapError = (error: unknown, context: { operation: string }) => {
    mapped.push(`${context.operation}: ${mapS3Error(error, { bucket, operation: context.operation }).name}`);
    return new CallerError(context.operation);
  };

  // Act
  const upload = uploadMultipart({ ...writeOf(bucket, 'raced.bin', racing, body.length), ifNotExists: true, mapError }, settings);

  // Assess
  await assert.rejects(upload, CallerError);
  assert.deepEqual(mapped, ['CompleteMultipartUpload: ObjectExistsError']);
  assert.equal(await openUploads(bucket), 0, 'no incomplete multipart upload left');
  assert.equal((await readBack(bucket, 'raced.bin')).toString(), 'the other writer');
});

test('a conditional upload of a key already taken sends nothing', async () => {
  // Prepare
  const bucket = await newBucket();
  await s3Client().send(new PutObjectCommand({ Bucket: bucket, Key: 'taken.bin', Body: 'first' }));
  let read = 0;
  const body = streamOf(randomBytes(6 * MiB), () => void (read += 1));

  // Act
  const upload = uploadMultipart({ ...writeOf(bucket, 'taken.bin', body, 6 * MiB), ifNotExists: true }, settings);

  // Assess
  await assert.rejects(upload, ObjectExistsError);
  assert.equal(read, 0, 'the body was never read');
  assert.equal(await openUploads(bucket), 0);
});

test('a stream shorter than announced is refused and the upload aborted', async () => {
  // Prepare
  const bucket = await newBucket();
  const body = randomBytes(6 * MiB);

  // Act
  const upload = uploadMultipart(writeOf(bucket, 'short.bin', streamOf(body), 7 * MiB), settings);

  // Assess
  await assert.rejects(upload, StorageError);
  assert.equal(await openUploads(bucket), 0);
  await assert.rejects(s3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: 'short.bin' })), { name: 'NotFound' });
});

test("part sizes stay within S3's limits", () => {
  // Prepare
  const { minPartSize, maxPartSize } = S3_MULTIPART_LIMITS;

  // Act
  const sizes = [partSizeFor(100 * MiB, MiB), partSizeFor(1_000_000 * MiB, 8 * MiB), partSizeFor(MiB, 6 * 1024 * MiB)];

  // Assess
  assert.deepEqual(sizes, [minPartSize, 100 * MiB, maxPartSize]);
});

test("an object too large for S3's parts is refused with StorageError", () => {
  // Prepare
  const { maxPartSize, maxParts } = S3_MULTIPART_LIMITS;

  // Act
  const size = () => partSizeFor(maxParts * maxPartSize + 1, 8 * MiB);

  // Assess
  assert.throws(size, StorageError);
});
