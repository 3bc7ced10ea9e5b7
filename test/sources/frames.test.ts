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

test('the framed stream: a JSON header line, then exactly size bytes, under any chunking', async () => {
  const objects: Array<[string, string]> = [
    ['a.txt', 'hello\nworld\n{"key":"fake"}\n'],
    ['empty', ''],
    ['ünï/😀.txt', 'ü'],
  ];
  const stream = framed(objects);
  assert.ok(stream.toString().startsWith('{"key":"a.txt","size":27,"etag":"e","content_type":"text/plain","metadata":{"a":"b"},"last_modified":"2025-01-01T00:00:00.000Z"}\nhello'));
  for (const size of [1, 3, 50, stream.length]) {
    const read: Array<[string, string]> = [];
    for await (const frame of readFrames(chunked(stream, size))) read.push([frame.header.key, (await concatBytes(frame.body)).toString()]);
    assert.deepEqual(read, objects, `chunks of ${size}`);
  }
});

test('bodies a reader does not read are skipped; a cut stream or a bad header is a MalformedStreamError', async () => {
  const stream = framed([
    ['one', 'x'.repeat(100)],
    ['two', 'y'],
  ]);
  const keys: string[] = [];
  for await (const frame of readFrames(chunked(stream, 7))) {
    keys.push(frame.header.key);
    for await (const _first of frame.body) break;
  }
  assert.deepEqual(keys, ['one', 'two']);
  await assert.rejects(collect(readFrames(chunked(stream.subarray(0, stream.length - 1), 5))), (e: unknown) => e instanceof MalformedStreamError && /ends 1 bytes into/.test(e.message));
  for (const bad of ['{"key":"k"}\n', 'nope\n', '{"key":"k","size":-1,"etag":"","content_type":null,"metadata":{},"last_modified":""}\n', '{"key":"k"']) {
    await assert.rejects(collect(readFrames(chunked(Buffer.from(bad), 4))), MalformedStreamError, bad);
  }
});

async function* listed(objects: ListedObject[]): AsyncGenerator<ListedObject> {
  yield* objects;
}

/** The keys of `objects` each range holds, by the range's own definition. */
function keysOf(range: RangeSpec, objects: ListedObject[]): string[] {
  return objects.filter((o) => compareKeys(o.key, range.start_after) > 0 && (range.last_key === null || compareKeys(o.key, range.last_key) <= 0)).map((o) => o.key);
}

test('key ranges cover every key exactly once, by bytes or by count, joined down to maxPartitions', async () => {
  const objects = Array.from({ length: 50 }, (_, i) => ({ key: `k/${String(i).padStart(3, '0')}`, size: i === 10 ? 1000 : 10 }));
  for (const options of [{}, { keysPerRange: 7 }, { bytesPerRange: 100 }, { bytesPerRange: 100, maxPartitions: 3 }, { keysPerRange: 1 }]) {
    const ranges = await planRanges(listed(objects), options);
    const covered = ranges.flatMap((r) => keysOf(r, objects));
    assert.deepEqual(covered, objects.map((o) => o.key), JSON.stringify(options));
    assert.equal(ranges[0]?.start_after, '');
    assert.equal(ranges.at(-1)?.last_key, null, 'the last range runs to the end');
    if (options.maxPartitions) assert.ok(ranges.length <= options.maxPartitions);
  }
  assert.equal((await planRanges(listed(objects), { keysPerRange: 7 })).length, 8);
  assert.deepEqual(await planRanges(listed([])), [{ start_after: '', last_key: null }]);
  assert.deepEqual(rangePlans([{ start_after: '', last_key: 'b' }, { start_after: 'b', last_key: null }]), [
    { name: 'range-0000', spec: { start_after: '', last_key: 'b' } },
    { name: 'range-0001', spec: { start_after: 'b', last_key: null } },
  ]);
});

test('keys compare in S3 order (UTF-8 bytes), not JavaScript string order', () => {
  const bmp = '\uff61';
  const astral = '😀';
  assert.ok(astral < bmp, 'UTF-16 puts the surrogate pair first');
  assert.ok(compareKeys(bmp, astral) < 0, 'UTF-8 (and S3) puts U+FF61 first');
  assert.equal(compareKeys('a', 'a'), 0);
  assert.ok(compareKeys('a', 'a/') < 0);
});
