import { test } from 'vitest';
import assert from 'node:assert/strict';
import { GetObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';
import { InvalidSourceConfigError, MalformedStreamError, RestoreConflictError, SourceNotFoundError } from '../../sources/errors.js';
import { encodeHeader } from '../../sources/s3/frame.js';
import { S3Source } from '../../sources/s3/source.js';
import { S3RestoreTarget } from '../../sources/s3/target.js';
import { ConflictPolicy, type PartitionPlan } from '../../sources/source.js';
import { listKeys, newBucket, putGenerated, putObjects, readObject, type TestObject } from './fixtures.js';
import { chunked, concatStreams, deterministicBytes, digest, intercept, uniqueName, watchLiveMemory } from './support.js';

const MiB = 1024 * 1024;
const overwrite = { conflict_policy: ConflictPolicy.Overwrite };

/** The whole source as one stream (every planned range, in order), and its description. */
async function exportAll(source: S3Source, plans?: PartitionPlan[]) {
  const planned = plans ?? (await source.plan());
  return { described: await source.describe(), stream: concatStreams(planned.map((p) => source.export(p, { records: 0 }))) };
}

const smallObjects: TestObject[] = [
  { key: 'src/empty.bin', body: '' },
  { key: 'src/ünïcødé/файл 😀.txt', body: 'ü😀\n', contentType: 'text/plain; charset=utf-8' },
  { key: 'src/meta.json', body: '{"a":1}', contentType: 'application/json', metadata: { owner: 'ann', 'build-id': '42' }, cacheControl: 'no-cache' },
  { key: 'src/deep/a/b/c.bin', body: new Uint8Array(70_000).map((_, i) => (i * 7) & 0xff) },
];

/** A bucket holding the small objects under src/ and objects of its own under dst/ (and a neighbour, dstx/); the source's description. */
async function bucketWithTargetInUse() {
  const bucket = await newBucket();
  await putObjects(bucket, [...smallObjects, { key: 'dst/already.txt', body: 'x' }, { key: 'dstx/neighbour', body: 'x' }]);
  const { described } = await exportAll(new S3Source({ bucket, prefix: 'src' }));
  return { bucket, described };
}

/** A bucket with the small objects and a 5 MiB + 3 one under src/, two of them already under dst/; a source over src/ and a target over dst/. */
async function bucketWithExistingObjects(): Promise<{ bucket: string; source: S3Source; target: S3RestoreTarget; large: number }> {
  const bucket = await newBucket();
  const large = 5 * MiB + 3;
  await putObjects(bucket, smallObjects);
  await putGenerated(bucket, 'src/large.bin', large, 3);
  await putObjects(bucket, [
    { key: 'dst/meta.json', body: 'mine', contentType: 'text/x-mine' },
    { key: 'dst/large.bin', body: 'mine too' },
  ]);
  return { bucket, source: new S3Source({ bucket, prefix: 'src' }), target: new S3RestoreTarget({ bucket, prefix: 'dst' }, { partSize: 5 * MiB }), large };
}

/** A frame header of an object with no metadata. */
function headerOf(key: string, size: number): Uint8Array {
  return encodeHeader({ key, size, etag: '', content_type: null, metadata: {}, last_modified: '' });
}

test('export and restore round trip: empty object, unicode keys, content types, user metadata', async () => {
  // Prepare
  const bucket = await newBucket();
  await putObjects(bucket, smallObjects);
  const { described, stream } = await exportAll(new S3Source({ bucket, prefix: 'src' }), undefined);
  const target = new S3RestoreTarget({ bucket, prefix: 'restored/here' });

  // Act
  await target.prepare({ conflict_policy: ConflictPolicy.FailIfExists }, described);
  const result = await target.restore(stream, { conflict_policy: ConflictPolicy.FailIfExists });

  // Assess
  assert.deepEqual(result, { records: smallObjects.length, skipped: 0 });
  for (const object of smallObjects) {
    const original = await readObject(bucket, object.key);
    const restored = await readObject(bucket, object.key.replace(/^src\//, 'restored/here/'));
    assert.ok(restored.body.equals(original.body), object.key);
    assert.equal(restored.contentType, original.contentType, object.key);
    assert.deepEqual(restored.metadata, original.metadata, object.key);
    assert.equal(restored.cacheControl, original.cacheControl, object.key);
  }
  assert.equal((await readObject(bucket, 'restored/here/empty.bin')).body.length, 0);
});

test('an object over 64 MiB streams through export and restore in bounded pieces', async (t) => {
  // Prepare
  const size = 66 * MiB + 12_345;
  const bucket = await newBucket();
  await putGenerated(bucket, 'big/blob.bin', size, 7);
  await putObjects(bucket, [{ key: 'big/small.txt', body: 'small' }]);
  const client = s3Client({ maxAttempts: 4 });
  const calls: string[] = [];
  const remove = intercept(client, (command, input, send) => {
    calls.push(command === 'GetObjectCommand' ? `Get ${String(input.Key)} ${String(input.Range)}` : command);
    return send(input);
  });
  t.onTestFinished(remove); // the client is memoized: the interceptor never reaches another test
  let largestChunk = 0;
  const source = new S3Source({ bucket, prefix: 'big' }, { client, readAhead: 1 });
  const target = new S3RestoreTarget({ bucket, prefix: 'copy' }, { client, partSize: 5 * MiB, partConcurrency: 1 });

  // Act
  const memory = watchLiveMemory();
  t.onTestFinished(() => void memory.stop());
  const { stream } = await exportAll(source);
  const watched = (async function* () {
    for await (const chunk of stream) {
      largestChunk = Math.max(largestChunk, chunk.length);
      yield chunk;
    }
  })();
  const result = await target.restore(watched, overwrite);
  const growth = memory.stop();

  // Assess
  assert.deepEqual(result, { records: 2, skipped: 0 });
  console.info(`largest chunk ${largestChunk} bytes; live buffers grew by at most ${(growth / MiB).toFixed(0)} MiB for a ${(size / MiB).toFixed(0)} MiB object`);
  assert.ok(largestChunk <= 8 * MiB, 'no chunk larger than one 8 MiB range');
  // An 8 MiB range being read, a 5 MiB part in flight, one waiting and one filling, HTTP buffers: about 30 MiB whatever the object's size.
  assert.ok(growth < 56 * MiB, 'the object is never held whole');
  assert.equal(calls.filter((c) => c.startsWith('Get big/blob.bin bytes=')).length, 9, 'nine ranged GETs of at most 8 MiB');
  assert.equal(calls.filter((c) => c === 'UploadPartCommand').length, Math.ceil(size / (5 * MiB)), 'restored as a multipart upload of 5 MiB parts');

  const restored = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: 'copy/blob.bin' }));
  const back = await digest(restored.Body as AsyncIterable<Uint8Array>);
  const expected = await digest(deterministicBytes(size, 7));
  assert.deepEqual([back.sha256, back.size], [expected.sha256, size], 'same bytes');
  assert.equal(restored.ContentType, 'application/octet-stream');
  assert.deepEqual(restored.Metadata, { seed: '7' });
  assert.equal((await readObject(bucket, 'copy/small.txt')).body.toString(), 'small');
  assert.equal((await s3Client().send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads?.length ?? 0, 0);
});

test('fail_if_exists refuses a non-empty target prefix in prepare and writes nothing', async () => {
  // Prepare
  const { bucket, described } = await bucketWithTargetInUse();
  const before = await listKeys(bucket);

  // Act
  const preparing = new S3RestoreTarget({ bucket, prefix: 'dst' }).prepare({ conflict_policy: ConflictPolicy.FailIfExists }, described);

  // Assess
  await assert.rejects(preparing, (e: unknown) => e instanceof RestoreConflictError && e.code === 'RestoreConflict');
  assert.deepEqual(await listKeys(bucket), before);
});

test('fail_if_exists accepts an empty target prefix below a non-empty one', async () => {
  // Prepare
  const { bucket, described } = await bucketWithTargetInUse();

  // Act
  const preparing = new S3RestoreTarget({ bucket, prefix: 'dst/sub' }).prepare({ conflict_policy: ConflictPolicy.FailIfExists }, described);

  // Assess
  await assert.doesNotReject(preparing);
});

test('skip_existing accepts a non-empty target prefix', async () => {
  // Prepare
  const { bucket, described } = await bucketWithTargetInUse();

  // Act
  const preparing = new S3RestoreTarget({ bucket, prefix: 'dst' }).prepare({ conflict_policy: ConflictPolicy.SkipExisting }, described);

  // Assess
  await assert.doesNotReject(preparing);
});

test('skip_existing leaves existing objects untouched, small and large, and writes the rest', async () => {
  // Prepare
  const { bucket, source, target } = await bucketWithExistingObjects();
  const { stream } = await exportAll(source);

  // Act
  const skipped = await target.restore(stream, { conflict_policy: ConflictPolicy.SkipExisting });

  // Assess
  assert.deepEqual(skipped, { records: smallObjects.length - 1, skipped: 2 });
  assert.equal((await readObject(bucket, 'dst/meta.json')).body.toString(), 'mine');
  assert.equal((await readObject(bucket, 'dst/meta.json')).contentType, 'text/x-mine');
  assert.equal((await readObject(bucket, 'dst/large.bin')).body.toString(), 'mine too');
});

test('overwrite replaces existing objects, small and large', async () => {
  // Prepare
  const { bucket, source, target, large } = await bucketWithExistingObjects();
  const { stream } = await exportAll(source);

  // Act
  const replaced = await target.restore(stream, overwrite);

  // Assess
  assert.deepEqual(replaced, { records: smallObjects.length + 1, skipped: 0 });
  assert.equal((await readObject(bucket, 'dst/meta.json')).body.toString(), '{"a":1}');
  assert.equal((await readObject(bucket, 'dst/large.bin')).body.length, large);
});

test('a selective restore writes only the selected keys', async () => {
  // Prepare
  const bucket = await newBucket();
  await putObjects(bucket, smallObjects);
  const { stream } = await exportAll(new S3Source({ bucket, prefix: 'src' }));
  const target = new S3RestoreTarget({ bucket, prefix: 'sel', select: { prefixes: ['deep/', 'meta'], exclude: ['**/*.bin'] } });

  // Act
  const result = await target.restore(stream, overwrite);

  // Assess
  assert.deepEqual(result, { records: 1, skipped: 0 });
  assert.deepEqual(await listKeys(bucket, 'sel/'), ['sel/meta.json']);
});

test('a selection with an absolute glob is an InvalidSourceConfigError', () => {
  // Act
  const create = () => new S3RestoreTarget({ bucket: 'b-ok', select: { include: ['/abs'] } });

  // Assess
  assert.throws(create, InvalidSourceConfigError);
});

test('a failed multipart upload is aborted and leaves no object', async (t) => {
  // Prepare
  const bucket = await newBucket();
  const client = s3Client({ maxAttempts: 2 });
  let parts = 0;
  const remove = intercept(client, (command, input, send) => {
    if (command === 'UploadPartCommand' && ++parts === 2) throw Object.assign(new Error('injected'), { name: 'InvalidPart', $metadata: { httpStatusCode: 400 } });
    return send(input);
  });
  t.onTestFinished(remove); // the client is memoized: the fault never reaches another test
  const size = 12 * MiB;
  const frame = concatStreams([chunked(headerOf('f.bin', size), 1 << 20), deterministicBytes(size, 1)]);

  // Act
  const restoring = new S3RestoreTarget({ bucket, prefix: 'x' }, { client, partSize: 5 * MiB }).restore(frame, overwrite);

  // Assess
  await assert.rejects(restoring, /injected|InvalidPart/);
  assert.equal((await s3Client().send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads?.length ?? 0, 0, 'upload aborted');
  assert.deepEqual(await listKeys(bucket), []);
});

test('an unknown bucket is a SourceNotFoundError in prepare', async () => {
  // Prepare
  const missing = new S3RestoreTarget({ bucket: uniqueName('nobucket') });

  // Act
  const preparing = missing.prepare(overwrite, { kind: 's3' });

  // Assess
  await assert.rejects(preparing, SourceNotFoundError);
});

test('the description of another kind of source is refused', async () => {
  // Prepare
  const bucket = await newBucket();

  // Act
  const preparing = new S3RestoreTarget({ bucket }).prepare(overwrite, { kind: 'dynamodb' });

  // Assess
  await assert.rejects(preparing, InvalidSourceConfigError);
});

test('a key climbing out of the prefix is a MalformedStreamError, and writes nothing', async () => {
  // Prepare
  const bucket = await newBucket();
  const escape = Buffer.concat([headerOf('../outside', 1), Buffer.from('x')]);

  // Act
  const restoring = new S3RestoreTarget({ bucket, prefix: 'in' }).restore(chunked(escape, 4), overwrite);

  // Assess
  await assert.rejects(restoring, MalformedStreamError);
  assert.deepEqual(await listKeys(bucket), []);
});

test('a stream cut inside an object is a MalformedStreamError, and writes nothing', async () => {
  // Prepare
  const bucket = await newBucket();
  const cut = Buffer.concat([headerOf('short', 10), Buffer.from('abc')]);

  // Act
  const restoring = new S3RestoreTarget({ bucket, prefix: 'in' }).restore(chunked(cut, 4), overwrite);

  // Assess
  await assert.rejects(restoring, MalformedStreamError);
  assert.deepEqual(await listKeys(bucket), []);
});
