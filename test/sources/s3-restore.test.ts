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

test('export and restore round trip: empty object, unicode keys, content types, user metadata', async () => {
  const bucket = await newBucket();
  await putObjects(bucket, smallObjects);
  const { described, stream } = await exportAll(new S3Source({ bucket, prefix: 'src' }), undefined);

  const target = new S3RestoreTarget({ bucket, prefix: 'restored/here' });
  await target.prepare({ conflict_policy: ConflictPolicy.FailIfExists }, described);
  assert.deepEqual(await target.restore(stream, { conflict_policy: ConflictPolicy.FailIfExists }), { records: smallObjects.length, skipped: 0 });
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
  let largestChunk = 0;
  const memory = watchLiveMemory();
  try {
    const source = new S3Source({ bucket, prefix: 'big' }, { client, readAhead: 1 });
    const { stream } = await exportAll(source);
    const watched = (async function* () {
      for await (const chunk of stream) {
        largestChunk = Math.max(largestChunk, chunk.length);
        yield chunk;
      }
    })();
    const target = new S3RestoreTarget({ bucket, prefix: 'copy' }, { client, partSize: 5 * MiB, partConcurrency: 1 });
    assert.deepEqual(await target.restore(watched, overwrite), { records: 2, skipped: 0 });
  } finally {
    remove();
  }
  const growth = memory.stop();
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
  const bucket = await newBucket();
  await putObjects(bucket, [...smallObjects, { key: 'dst/already.txt', body: 'x' }, { key: 'dstx/neighbour', body: 'x' }]);
  const { described } = await exportAll(new S3Source({ bucket, prefix: 'src' }));
  const before = await listKeys(bucket);
  await assert.rejects(
    new S3RestoreTarget({ bucket, prefix: 'dst' }).prepare({ conflict_policy: ConflictPolicy.FailIfExists }, described),
    (e: unknown) => e instanceof RestoreConflictError && e.code === 'RestoreConflict',
  );
  assert.deepEqual(await listKeys(bucket), before);
  await new S3RestoreTarget({ bucket, prefix: 'dst/sub' }).prepare({ conflict_policy: ConflictPolicy.FailIfExists }, described);
  await new S3RestoreTarget({ bucket, prefix: 'dst' }).prepare({ conflict_policy: ConflictPolicy.SkipExisting }, described);
});

test('skip_existing leaves existing objects untouched, small and large; overwrite replaces them', async () => {
  const bucket = await newBucket();
  const large = 5 * MiB + 3;
  await putObjects(bucket, smallObjects);
  await putGenerated(bucket, 'src/large.bin', large, 3);
  await putObjects(bucket, [
    { key: 'dst/meta.json', body: 'mine', contentType: 'text/x-mine' },
    { key: 'dst/large.bin', body: 'mine too' },
  ]);
  const source = new S3Source({ bucket, prefix: 'src' });
  const options = { partSize: 5 * MiB };
  const target = new S3RestoreTarget({ bucket, prefix: 'dst' }, options);
  const skipped = await target.restore((await exportAll(source)).stream, { conflict_policy: ConflictPolicy.SkipExisting });
  assert.deepEqual(skipped, { records: smallObjects.length - 1, skipped: 2 });
  assert.equal((await readObject(bucket, 'dst/meta.json')).body.toString(), 'mine');
  assert.equal((await readObject(bucket, 'dst/meta.json')).contentType, 'text/x-mine');
  assert.equal((await readObject(bucket, 'dst/large.bin')).body.toString(), 'mine too');

  const replaced = await target.restore((await exportAll(source)).stream, overwrite);
  assert.deepEqual(replaced, { records: smallObjects.length + 1, skipped: 0 });
  assert.equal((await readObject(bucket, 'dst/meta.json')).body.toString(), '{"a":1}');
  assert.equal((await readObject(bucket, 'dst/large.bin')).body.length, large);
});

test('a selective restore writes only the selected keys', async () => {
  const bucket = await newBucket();
  await putObjects(bucket, smallObjects);
  const { stream } = await exportAll(new S3Source({ bucket, prefix: 'src' }));
  const target = new S3RestoreTarget({ bucket, prefix: 'sel', select: { prefixes: ['deep/', 'meta'], exclude: ['**/*.bin'] } });
  assert.deepEqual(await target.restore(stream, overwrite), { records: 1, skipped: 0 });
  assert.deepEqual(await listKeys(bucket, 'sel/'), ['sel/meta.json']);
  assert.throws(() => new S3RestoreTarget({ bucket, select: { include: ['/abs'] } }), InvalidSourceConfigError);
});

test('a failed multipart upload is aborted and leaves no object', async () => {
  const bucket = await newBucket();
  const client = s3Client({ maxAttempts: 2 });
  let parts = 0;
  const remove = intercept(client, (command, input, send) => {
    if (command === 'UploadPartCommand' && ++parts === 2) throw Object.assign(new Error('injected'), { name: 'InvalidPart', $metadata: { httpStatusCode: 400 } });
    return send(input);
  });
  try {
    const size = 12 * MiB;
    const frame = concatStreams([chunked(encodeHeader({ key: 'f.bin', size, etag: '', content_type: null, metadata: {}, last_modified: '' }), 1 << 20), deterministicBytes(size, 1)]);
    await assert.rejects(new S3RestoreTarget({ bucket, prefix: 'x' }, { client, partSize: 5 * MiB }).restore(frame, overwrite), /injected|InvalidPart/);
  } finally {
    remove();
  }
  assert.equal((await s3Client().send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads?.length ?? 0, 0, 'upload aborted');
  assert.deepEqual(await listKeys(bucket), []);
});

test('unknown bucket, keys climbing out of the prefix and damaged streams are refused', async () => {
  const missing = new S3RestoreTarget({ bucket: uniqueName('nobucket') });
  await assert.rejects(missing.prepare(overwrite, { kind: 's3' }), SourceNotFoundError);
  const bucket = await newBucket();
  await assert.rejects(new S3RestoreTarget({ bucket }).prepare(overwrite, { kind: 'dynamodb' }), InvalidSourceConfigError);
  const header = (key: string, size: number) => encodeHeader({ key, size, etag: '', content_type: null, metadata: {}, last_modified: '' });
  const escape = Buffer.concat([header('../outside', 1), Buffer.from('x')]);
  await assert.rejects(new S3RestoreTarget({ bucket, prefix: 'in' }).restore(chunked(escape, 4), overwrite), MalformedStreamError);
  const cut = Buffer.concat([header('short', 10), Buffer.from('abc')]);
  await assert.rejects(new S3RestoreTarget({ bucket, prefix: 'in' }).restore(chunked(cut, 4), overwrite), MalformedStreamError);
  assert.deepEqual(await listKeys(bucket), []);
});
