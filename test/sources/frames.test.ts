import { test } from 'vitest';
import assert from 'node:assert/strict';
import { MalformedStreamError } from '../../sources/errors.js';
import { encodeHeader, type ObjectHeader } from '../../sources/s3/frame.js';
import { readFrames } from '../../sources/s3/frame-reader.js';
import { compareKeys, type ListedObject } from '../../sources/s3/listing.js';
import { planRanges, rangePlans, type RangeSpec } from '../../sources/s3/range-plan.js';
import { chunked, collect, concatBytes } from './support.js';

function header(key: string, size: number): ObjectHeader {
  return { key, size, etag: 'e', content_type: 'text/plain', metadata: { a: 'b' }, last_modified: '2025-01-01T00:00:00.000Z' };
}

function framed(objects: Array<[string, string]>): Buffer {
  return Buffer.concat(objects.flatMap(([key, body]) => [encodeHeader(header(key, Buffer.byteLength(body))), Buffer.from(body)]));
}

/** Objects whose bodies hold a newline, a fake header, nothing, and unicode. */
const AWKWARD_OBJECTS: ReadonlyArray<[string, string]> = [
  ['a.txt', 'hello\nworld\n{"key":"fake"}\n'],
  ['empty', ''],
  ['ünï/😀.txt', 'ü'],
];

/** Two objects, the first with a body of 100 bytes. */
function twoObjects(): Buffer {
  return framed([
    ['one', 'x'.repeat(100)],
    ['two', 'y'],
  ]);
}

test('a framed object is a JSON header line, then exactly size bytes', () => {
  // Act
  const stream = framed([...AWKWARD_OBJECTS]);

  // Assess
  assert.ok(stream.toString().startsWith('{"key":"a.txt","size":27,"etag":"e","content_type":"text/plain","metadata":{"a":"b"},"last_modified":"2025-01-01T00:00:00.000Z"}\nhello'));
});

test('framed objects read back under any chunking', async () => {
  // Prepare
  const stream = framed([...AWKWARD_OBJECTS]);
  for (const size of [1, 3, 50, stream.length]) {
    // Act
    const read: Array<[string, string]> = [];
    for await (const frame of readFrames(chunked(stream, size))) read.push([frame.header.key, (await concatBytes(frame.body)).toString()]);

    // Assess
    assert.deepEqual(read, AWKWARD_OBJECTS, `chunks of ${size}`);
  }
});

test('bodies a reader does not read are skipped', async () => {
  // Prepare
  const stream = twoObjects();

  // Act
  const keys: string[] = [];
  for await (const frame of readFrames(chunked(stream, 7))) {
    keys.push(frame.header.key);
    for await (const _first of frame.body) break;
  }

  // Assess
  assert.deepEqual(keys, ['one', 'two']);
});

test('a stream cut inside a body is a MalformedStreamError saying how far into it', async () => {
  // Prepare
  const stream = twoObjects();

  // Act
  const reading = collect(readFrames(chunked(stream.subarray(0, stream.length - 1), 5)));

  // Assess
  await assert.rejects(reading, (e: unknown) => e instanceof MalformedStreamError && /ends 1 bytes into/.test(e.message));
});

test('a bad or cut header is a MalformedStreamError', async () => {
  for (const bad of ['{"key":"k"}\n', 'nope\n', '{"key":"k","size":-1,"etag":"","content_type":null,"metadata":{},"last_modified":""}\n', '{"key":"k"']) {
    // Act
    const reading = collect(readFrames(chunked(Buffer.from(bad), 4)));

    // Assess
    await assert.rejects(reading, MalformedStreamError, bad);
  }
});

async function* listed(objects: ListedObject[]): AsyncGenerator<ListedObject> {
  yield* objects;
}

/** The keys of `objects` each range holds, by the range's own definition. */
function keysOf(range: RangeSpec, objects: ListedObject[]): string[] {
  return objects.filter((o) => compareKeys(o.key, range.start_after) > 0 && (range.last_key === null || compareKeys(o.key, range.last_key) <= 0)).map((o) => o.key);
}

/** 50 listed keys, one of them much larger than the others. */
function fiftyObjects(): ListedObject[] {
  return Array.from({ length: 50 }, (_, i) => ({ key: `k/${String(i).padStart(3, '0')}`, size: i === 10 ? 1000 : 10 }));
}

test('key ranges cover every key exactly once, by bytes or by count, joined down to maxPartitions', async () => {
  // Prepare
  const objects = fiftyObjects();
  for (const options of [{}, { keysPerRange: 7 }, { bytesPerRange: 100 }, { bytesPerRange: 100, maxPartitions: 3 }, { keysPerRange: 1 }]) {
    // Act
    const ranges = await planRanges(listed(objects), options);

    // Assess
    const covered = ranges.flatMap((r) => keysOf(r, objects));
    assert.deepEqual(covered, objects.map((o) => o.key), JSON.stringify(options));
    assert.equal(ranges[0]?.start_after, '');
    assert.equal(ranges.at(-1)?.last_key, null, 'the last range runs to the end');
    if (options.maxPartitions) assert.ok(ranges.length <= options.maxPartitions);
  }
});

test('ranges by count hold keysPerRange keys each (50 keys, 7 a range: 8 ranges)', async () => {
  // Prepare
  const objects = fiftyObjects();

  // Act
  const ranges = await planRanges(listed(objects), { keysPerRange: 7 });

  // Assess
  assert.equal(ranges.length, 8);
});

test('an empty listing plans one range over everything', async () => {
  // Act
  const ranges = await planRanges(listed([]));

  // Assess
  assert.deepEqual(ranges, [{ start_after: '', last_key: null }]);
});

test('range plans are named range-0000, range-0001, … in order', () => {
  // Prepare
  const specs: RangeSpec[] = [
    { start_after: '', last_key: 'b' },
    { start_after: 'b', last_key: null },
  ];

  // Act
  const plans = rangePlans(specs);

  // Assess
  assert.deepEqual(plans, [
    { name: 'range-0000', spec: { start_after: '', last_key: 'b' } },
    { name: 'range-0001', spec: { start_after: 'b', last_key: null } },
  ]);
});

test('keys compare in S3 order (UTF-8 bytes), not JavaScript string order', () => {
  // Prepare
  const bmp = '\uff61';
  const astral = '😀';

  // Act
  const order = compareKeys(bmp, astral);
  const same = compareKeys('a', 'a');
  const prefixFirst = compareKeys('a', 'a/');

  // Assess
  assert.ok(astral < bmp, 'UTF-16 puts the surrogate pair first');
  assert.ok(order < 0, 'UTF-8 (and S3) puts U+FF61 first');
  assert.equal(same, 0);
  assert.ok(prefixFirst < 0);
});
