import { test } from 'vitest';
import assert from 'node:assert/strict';
import { InvalidSourceConfigError, SourceNotFoundError } from '../../sources/errors.js';
import { readFrames } from '../../sources/s3/frame-reader.js';
import { S3Source } from '../../sources/s3/source.js';
import { S3RestoreTarget } from '../../sources/s3/target.js';
import type { PartitionPlan, RecordCounter } from '../../sources/source.js';
import { newBucket, putObjects, type TestObject } from './fixtures.js';
import { collect, concatBytes, uniqueName } from './support.js';

/** Key and body of every object a partition exports. */
async function exported(source: S3Source, plan: PartitionPlan, counter: RecordCounter = { records: 0 }): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for await (const frame of readFrames(source.export(plan, counter))) out.push([frame.header.key, (await concatBytes(frame.body)).toString()]);
  return out;
}

const everything: PartitionPlan = { name: 'range-0000', spec: { start_after: '', last_key: null } };

test('export frames each object: a JSON header line with metadata, then exactly its bytes', async () => {
  const bucket = await newBucket();
  await putObjects(bucket, [
    { key: 'src/empty', body: '' },
    { key: 'src/dir/ünï 😀.json', body: '{"x":1}\n', contentType: 'application/json', metadata: { owner: 'ann', note: 'x y' }, cacheControl: 'max-age=60' },
    { key: 'src-other/not-mine', body: 'no' },
    { key: 'top', body: 'no' },
  ]);
  const source = new S3Source({ bucket, prefix: '/src/' });
  const counter = { records: 0 };
  const bytes = await concatBytes(source.export(everything, counter));
  assert.equal(counter.records, 2);
  const text = bytes.toString('utf8');
  const firstLine = JSON.parse(text.slice(0, text.indexOf('\n'))) as Record<string, unknown>;
  assert.deepEqual(Object.keys(firstLine), ['key', 'size', 'etag', 'content_type', 'metadata', 'last_modified', 'cache_control']);
  assert.equal(firstLine.key, 'dir/ünï 😀.json');
  assert.equal(firstLine.size, 8);
  assert.match(String(firstLine.etag), /^[0-9a-f]{32}$/, 'etag without quotes');
  assert.equal(firstLine.content_type, 'application/json');
  assert.deepEqual(firstLine.metadata, { owner: 'ann', note: 'x y' });
  assert.equal(firstLine.cache_control, 'max-age=60');
  assert.ok(!Number.isNaN(Date.parse(String(firstLine.last_modified))));
  const rest = text.slice(text.indexOf('\n') + 1);
  assert.ok(rest.startsWith('{"x":1}\n{"key":"empty","size":0,'), 'bytes follow the header directly, the next header follows the bytes');
  assert.ok(rest.endsWith('}\n'), 'a zero-byte object is a header alone');
});

test('include and exclude globs select keys relative to the prefix', async () => {
  const bucket = await newBucket();
  const keys = ['a.csv', 'b.txt', 'x/c.csv', 'x/tmp/d.csv', 'x/y/e.csv', 'keep/f.bin', 'g.csv.bak'];
  await putObjects(bucket, keys.map((key) => ({ key: `data/${key}`, body: key })));
  const source = new S3Source({ bucket, prefix: 'data', include: ['**/*.csv', 'keep/**'], exclude: ['**/tmp/**', 'x/y/*'] });
  assert.deepEqual(
    (await exported(source, everything)).map(([key, body]) => (assert.equal(key, body), key)),
    ['a.csv', 'keep/f.bin', 'x/c.csv'],
  );
  const described = await source.describe();
  assert.deepEqual(
    { ...described },
    { kind: 's3', bucket, prefix: 'data/', include: ['**/*.csv', 'keep/**'], exclude: ['**/tmp/**', 'x/y/*'], object_count: 3, size_bytes: 5 + 10 + 7 },
  );
  const topOnly = new S3Source({ bucket, prefix: 'data', include: ['*.csv'] });
  assert.deepEqual((await exported(topOnly, everything)).map(([key]) => key), ['a.csv']);
});

test('range planning covers every key exactly once, unicode keys included', async () => {
  const bucket = await newBucket();
  const names = Array.from({ length: 23 }, (_, i) => `f-${String(i).padStart(2, '0')}`);
  const objects: TestObject[] = [...names, '\uff61-bmp', '😀-astral', 'ü/ß', 'z/q?&=+ %.txt'].map((key, i) => ({
    key: `p/${key}`,
    body: 'b'.repeat(i),
  }));
  await putObjects(bucket, objects);
  const source = new S3Source({ bucket, prefix: 'p' });
  const plans = await source.plan({ keysPerRange: 4 });
  assert.equal(plans.length, 7);
  assert.deepEqual(plans[0], { name: 'range-0000', spec: { start_after: '', last_key: 'f-03' } });
  assert.equal(plans.at(-1)?.spec.last_key, null);
  const counter = { records: 0 };
  const seen: string[] = [];
  for (const plan of plans) seen.push(...(await exported(source, plan, counter)).map(([key]) => key));
  assert.equal(counter.records, objects.length);
  assert.deepEqual([...seen].sort(), objects.map((o) => o.key.slice(2)).sort());
  assert.equal(new Set(seen).size, seen.length, 'no key twice');
  assert.ok(seen.indexOf('\uff61-bmp') < seen.indexOf('😀-astral'), 'S3 (UTF-8) order');

  const byBytes = await source.plan({ bytesPerRange: 40, maxPartitions: 3 });
  assert.ok(byBytes.length <= 3);
  const again: string[] = [];
  for (const plan of byBytes) again.push(...(await exported(source, plan)).map(([key]) => key));
  assert.deepEqual(again, seen);
});

test('an unknown bucket is a SourceNotFoundError; ".." in a prefix and bad globs are refused', async () => {
  const missing = new S3Source({ bucket: uniqueName('nobucket') });
  await assert.rejects(missing.describe(), (e: unknown) => e instanceof SourceNotFoundError && e.code === 'NotFound');
  await assert.rejects(missing.plan(), SourceNotFoundError);
  await assert.rejects(collect(missing.export(everything, { records: 0 })), SourceNotFoundError);
  for (const prefix of ['..', '../other', 'a/../../b', 'a/..']) {
    assert.throws(() => new S3Source({ bucket: 'b-ok', prefix }), InvalidSourceConfigError, prefix);
    assert.throws(() => new S3RestoreTarget({ bucket: 'b-ok', prefix }), InvalidSourceConfigError, prefix);
  }
  assert.throws(() => new S3Source({ bucket: 'b-ok', include: ['../*'] }), InvalidSourceConfigError);
  assert.throws(() => new S3Source({ bucket: 'b-ok', exclude: [''] }), InvalidSourceConfigError);
  assert.throws(() => new S3Source({ bucket: 'Not/A/Bucket' }), InvalidSourceConfigError);
  const real = new S3Source({ bucket: await newBucket() });
  await assert.rejects(collect(real.export({ name: 'range-0000', spec: { start_after: 1 } }, { records: 0 })), InvalidSourceConfigError);
  assert.deepEqual(await real.plan(), [{ name: 'range-0000', spec: { start_after: '', last_key: null } }], 'an empty prefix is one empty range');
});
