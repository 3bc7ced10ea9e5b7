import { beforeAll, describe, test } from 'vitest';
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
  // Prepare
  const bucket = await newBucket();
  await putObjects(bucket, [
    { key: 'src/empty', body: '' },
    { key: 'src/dir/ünï 😀.json', body: '{"x":1}\n', contentType: 'application/json', metadata: { owner: 'ann', note: 'x y' }, cacheControl: 'max-age=60' },
    { key: 'src-other/not-mine', body: 'no' },
    { key: 'top', body: 'no' },
  ]);
  const source = new S3Source({ bucket, prefix: '/src/' });
  const counter = { records: 0 };

  // Act
  const bytes = await concatBytes(source.export(everything, counter));

  // Assess
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

describe('globs over a prefix', () => {
  /** A bucket of objects under data/, each body its key relative to data/: written once, only read by the tests. */
  let bucket: string;
  beforeAll(async () => {
    const created = await newBucket();
    const keys = ['a.csv', 'b.txt', 'x/c.csv', 'x/tmp/d.csv', 'x/y/e.csv', 'keep/f.bin', 'g.csv.bak'];
    await putObjects(created, keys.map((key) => ({ key: `data/${key}`, body: key })));
    bucket = created;
  });
  const selection = { include: ['**/*.csv', 'keep/**'], exclude: ['**/tmp/**', 'x/y/*'] };

  test('include and exclude globs select keys relative to the prefix', async () => {
    // Prepare
    const source = new S3Source({ bucket, prefix: 'data', ...selection });

    // Act
    const objects = await exported(source, everything);

    // Assess
    assert.deepEqual(
      objects.map(([key, body]) => (assert.equal(key, body), key)),
      ['a.csv', 'keep/f.bin', 'x/c.csv'],
    );
  });

  test('an include glob with no ** keeps only the top level under the prefix', async () => {
    // Prepare
    const topOnly = new S3Source({ bucket, prefix: 'data', include: ['*.csv'] });

    // Act
    const objects = await exported(topOnly, everything);

    // Assess
    assert.deepEqual(objects.map(([key]) => key), ['a.csv']);
  });

  test('describe reports the selection with the count and size of the objects it keeps', async () => {
    // Prepare
    const source = new S3Source({ bucket, prefix: 'data', ...selection });

    // Act
    const described = await source.describe();

    // Assess
    assert.deepEqual(
      { ...described },
      { kind: 's3', bucket, prefix: 'data/', include: ['**/*.csv', 'keep/**'], exclude: ['**/tmp/**', 'x/y/*'], object_count: 3, size_bytes: 5 + 10 + 7 },
    );
  });
});

describe('range planning', () => {
  /** 27 objects under p/, unicode keys included: written once, only read by the tests. */
  let fixture: { readonly bucket: string; readonly objects: readonly TestObject[] };
  beforeAll(async () => {
    const bucket = await newBucket();
    const names = Array.from({ length: 23 }, (_, i) => `f-${String(i).padStart(2, '0')}`);
    const objects: TestObject[] = [...names, '\uff61-bmp', '😀-astral', 'ü/ß', 'z/q?&=+ %.txt'].map((key, i) => ({
      key: `p/${key}`,
      body: 'b'.repeat(i),
    }));
    await putObjects(bucket, objects);
    fixture = Object.freeze({ bucket, objects: Object.freeze(objects) });
  });

  /** The keys every plan exports, in plan order. */
  async function keysExported(source: S3Source, plans: PartitionPlan[], counter?: RecordCounter): Promise<string[]> {
    const seen: string[] = [];
    for (const plan of plans) seen.push(...(await exported(source, plan, counter)).map(([key]) => key));
    return seen;
  }

  test('ranges by count hold keysPerRange keys each, the last one open-ended', async () => {
    // Prepare
    const source = new S3Source({ bucket: fixture.bucket, prefix: 'p' });

    // Act
    const plans = await source.plan({ keysPerRange: 4 });

    // Assess
    assert.equal(plans.length, 7);
    assert.deepEqual(plans[0], { name: 'range-0000', spec: { start_after: '', last_key: 'f-03' } });
    assert.equal(plans.at(-1)?.spec.last_key, null);
  });

  test('exporting every range covers every key exactly once, unicode keys included, in S3 (UTF-8) order', async () => {
    // Prepare
    const { bucket, objects } = fixture;
    const source = new S3Source({ bucket, prefix: 'p' });
    const plans = await source.plan({ keysPerRange: 4 });
    const counter = { records: 0 };

    // Act
    const seen = await keysExported(source, plans, counter);

    // Assess
    assert.equal(counter.records, objects.length);
    assert.deepEqual([...seen].sort(), objects.map((o) => o.key.slice(2)).sort());
    assert.equal(new Set(seen).size, seen.length, 'no key twice');
    assert.ok(seen.indexOf('\uff61-bmp') < seen.indexOf('😀-astral'), 'S3 (UTF-8) order');
  });

  test('ranges by bytes, joined down to maxPartitions, export the same keys in the same order', async () => {
    // Prepare
    const source = new S3Source({ bucket: fixture.bucket, prefix: 'p' });
    const byCount = await keysExported(source, await source.plan({ keysPerRange: 4 }));

    // Act
    const byBytes = await source.plan({ bytesPerRange: 40, maxPartitions: 3 });
    const again = await keysExported(source, byBytes);

    // Assess
    assert.ok(byBytes.length <= 3);
    assert.deepEqual(again, byCount);
  });
});

test('an unknown bucket is a SourceNotFoundError on describe, plan and export', async () => {
  // Prepare
  const missing = new S3Source({ bucket: uniqueName('nobucket') });
  const operations: Array<[string, () => Promise<unknown>, (e: unknown) => boolean]> = [
    ['describe', () => missing.describe(), (e) => e instanceof SourceNotFoundError && e.code === 'SourceNotFound'],
    ['plan', () => missing.plan(), (e) => e instanceof SourceNotFoundError],
    ['export', () => collect(missing.export(everything, { records: 0 })), (e) => e instanceof SourceNotFoundError],
  ];
  for (const [name, operation, expected] of operations) {
    // Act
    const running = operation();

    // Assess
    await assert.rejects(running, expected, name);
  }
});

test('".." in a prefix is refused by the source and by the restore target', () => {
  for (const prefix of ['..', '../other', 'a/../../b', 'a/..']) {
    // Act
    const source = () => new S3Source({ bucket: 'b-ok', prefix });
    const target = () => new S3RestoreTarget({ bucket: 'b-ok', prefix });

    // Assess
    assert.throws(source, InvalidSourceConfigError, prefix);
    assert.throws(target, InvalidSourceConfigError, prefix);
  }
});

test('bad globs and a bad bucket name are InvalidSourceConfigErrors', () => {
  for (const config of [{ bucket: 'b-ok', include: ['../*'] }, { bucket: 'b-ok', exclude: [''] }, { bucket: 'Not/A/Bucket' }]) {
    // Act
    const create = () => new S3Source(config);

    // Assess
    assert.throws(create, InvalidSourceConfigError, JSON.stringify(config));
  }
});

test('a malformed range spec is an InvalidSourceConfigError', async () => {
  // Prepare
  const real = new S3Source({ bucket: await newBucket() });

  // Act
  const exporting = collect(real.export({ name: 'range-0000', spec: { start_after: 1 } }, { records: 0 }));

  // Assess
  await assert.rejects(exporting, InvalidSourceConfigError);
});

test('a source with no object under its prefix plans one range over everything', async () => {
  // Prepare
  const real = new S3Source({ bucket: await newBucket() });

  // Act
  const plans = await real.plan();

  // Assess
  assert.deepEqual(plans, [{ name: 'range-0000', spec: { start_after: '', last_key: null } }], 'an empty prefix is one empty range');
});
